#!/usr/bin/env python3
"""Check-ins per second at 1, 10 and 50 desks scanning distinct badges, against gunicorn
on SQLite and PostgreSQL, beside a bare Flask endpoint doing one comparable write.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/checkin.py [--delegates 3000] [--workers 2] [--threads 8]
        [--postgresql postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each database: a fresh database at head with one event, --delegates confirmed
delegates with their badges, and a desk volunteer with a bearer token. The load comes
from ../shared/bench/checkin_load.py (closed loop, `--api confreg`), the client a peer
(pretix) was measured with: for each number of desks, distinct badges, every scan a new
nonce. Then the race: 20 desks scanning one badge at the same instant, 5 times; each time
exactly one must be "ok". The same client then drives bench/bare_checkin.py (the
ceiling: one insert, nothing else) on the same database and server settings. Prints one
JSON line per run and a table with the ratio app / bare.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import POSTGRESQL, ROOT, scratch_databases, serve

LOAD_CLIENT = ROOT.parent / "shared" / "bench" / "checkin_load.py"
DESKS = (1, 10, 50)


def prepare(url: str, delegates: int) -> dict:
    """The event, its delegates and a desk token; returns the client's fixture."""
    from datetime import UTC, date, datetime

    from flask_migrate import upgrade

    from config import TestConfig
    from confreg import create_app
    from confreg.auth.service import create_api_token, create_or_update_staff_user
    from confreg.badges.service import issue_token
    from confreg.events.models import Event
    from confreg.extensions import db
    from confreg.registration.models import Registration

    app = create_app(TestConfig(url))
    with app.app_context():
        upgrade()
        event = Event(slug="bench", name={"en": "Bench"}, city="Mexico City", country="MX",
                      timezone="America/Mexico_City", starts_on=date(2031, 9, 28),
                      ends_on=date(2031, 9, 30))  # fmt: skip
        db.session.add(event)
        now = datetime.now(UTC)
        registrations = [
            Registration(
                event=event,
                status="confirmed",
                given_name=f"Delegate {n}",
                email=f"d{n}@bench.example",
                email_key=f"d{n}@bench.example",
                category="city_official",
                country="MX",
                preferred_locale="en",
                privacy_consent_at=now,
            )
            for n in range(delegates)
        ]
        db.session.add_all(registrations)
        db.session.commit()
        create_or_update_staff_user("desk@bench.example", "bench-password-1", "desk", "bench")
        _record, token = create_api_token("desk@bench.example", "bench")
        secrets = [issue_token(registration) for registration in registrations]
        db.session.commit()
        db.engine.dispose()
    return {"token": token, "secrets": secrets}


def load(url: str, fixture: str, desks: int, count: int, offset: int, mode: str = "load"):
    command = [sys.executable, str(LOAD_CLIENT), "--url", url, "--fixture", fixture,
               "--api", "confreg", "--mode", mode, "--concurrency", str(desks),
               "--count", str(count), "--offset", str(offset)]  # fmt: skip
    if mode == "race":
        command += ["--trials", "5"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def measure(backend: str, url: str, args) -> list[dict]:
    rows = []
    with tempfile.NamedTemporaryFile("w", suffix=".json") as fixture:
        json.dump(prepare(url, args.delegates), fixture)
        fixture.flush()
        plan = [(desks, args.count, offset) for desks, offset in
                zip(DESKS, range(0, 3 * args.count, args.count), strict=True)]  # fmt: skip
        for name, app, path in (("confreg", "wsgi:app", "/api/v1/events/bench/checkins"),
                                ("bare", "bench.bare_checkin:app", "/checkins")):  # fmt: skip
            server = serve(app, url, args.port, args.workers, args.threads)
            target = f"http://127.0.0.1:{args.port}{path}"
            try:
                load(target, fixture.name, 4, 100, args.delegates - 100)  # warm-up
                for desks, count, offset in plan:
                    row = load(target, fixture.name, desks, count, offset)
                    rows.append({"database": backend, "server": name, **row})
                    print(json.dumps(rows[-1]), flush=True)
                if name == "confreg":
                    race = load(target, fixture.name, 20, 1, 3 * args.count, mode="race")
                    rows.append({"database": backend, "server": name, **race})
                    print(json.dumps(rows[-1]), flush=True)
            finally:
                server.terminate()
                server.wait()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegates", type=int, default=3000)
    parser.add_argument("--count", type=int, default=800, help="scans per number of desks")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=5079)
    parser.add_argument("--postgresql", default=POSTGRESQL)
    args = parser.parse_args()
    with scratch_databases(args.postgresql) as databases:
        rows = [row for backend, url in databases for row in measure(backend, url, args)]
    loads = {(r["database"], r["server"], r["concurrency"]): r for r in rows if r["mode"] == "load"}
    print(f"{'database':<11}{'desks':>6}{'app/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}"
          f"{'bare/s':>8}{'app÷bare':>9}")  # fmt: skip
    for backend, _url in databases:
        for desks in DESKS:
            app, bare = loads[(backend, "confreg", desks)], loads[(backend, "bare", desks)]
            ratio = app["rps"] / bare["rps"]
            print(f"{backend:<11}{desks:>6}{app['rps']:>8}{app['p50_ms']:>8}{app['p99_ms']:>8}"
                  f"{app['errors']:>7}{bare['rps']:>8}{ratio:>9.2f}")  # fmt: skip
    for row in rows:
        if row["mode"] == "race":
            print(f"race on {row['database']}: 20 desks, one badge, ok per trial: "
                  f"{row['ok_per_trial']}")  # fmt: skip


if __name__ == "__main__":
    main()
