#!/usr/bin/env python3
"""The organiser's delegate list and exports at 10,000 registrations, SQLite and
PostgreSQL side by side in one run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/delegate_list.py [--delegates 10000] [--requests 30]
        [--postgresql postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each database: a fresh database at head with one event and --delegates registrations
(names in several scripts, every category, status and a dozen countries; a third checked
in), served by gunicorn (2 workers × 4 threads) to one logged-in organiser. Each list
view is asked for --requests times in a row and timed from request to last byte: the
first page, a page deep in the list, a name search, three filters at once, and name
order. Then the whole list is exported once as CSV and once as XLSX with the default
columns: time to the last byte, size, rows, and how much the serving worker's peak
memory (VmHWM) grew. Prints one JSON line per measurement and a table.
"""

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import POSTGRESQL, scratch_databases, serve

PASSWORD = "bench-password-1"
NAMES = [("Αθανάσιος", "Καρπουχτσής"), ("Ayşe", "Yılmaz"), ("Олена", "Коваленко"),
         ("محمد", "رضایی"), ("María José", "García"), ("明", "王"),
         ("Kwame", "Mensah")]  # fmt: skip
COUNTRIES = ["GR", "TR", "UA", "IR", "MX", "CN", "GH", "FR", "BR", "EG", "KR", "DE"]
VIEWS = {
    "first page": {},
    "page 150": {"page": "150"},
    "name search": {"q": "yilmaz 4242"},
    "three filters": {"category": "mayor", "country": "MX", "checked_in": "no"},
    "name order": {"sort": "name", "page": "40"},
}


def prepare(url: str, delegates: int) -> None:
    from datetime import UTC, date, datetime, timedelta

    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from config import TestConfig
    from confreg import create_app
    from confreg.auth.service import create_or_update_staff_user
    from confreg.checkin.models import CheckIn
    from confreg.events.models import Event
    from confreg.extensions import db
    from confreg.names import full_name, search_key
    from confreg.registration.models import CATEGORIES, STATUSES, Registration

    app = create_app(TestConfig(url))
    with app.app_context():
        upgrade()
        event = Event(slug="bench", name={"en": "Bench"}, city="Mexico City", country="MX",
                      timezone="America/Mexico_City", starts_on=date(2031, 9, 28),
                      ends_on=date(2031, 9, 30))  # fmt: skip
        db.session.add(event)
        db.session.commit()
        categories, statuses = list(CATEGORIES), list(STATUSES)
        start = datetime.now(UTC) - timedelta(days=90)
        rows = []
        for n in range(delegates):
            given, family = NAMES[n % len(NAMES)]
            family = f"{family} {n}"
            email = f"d{n}@bench.example"
            rows.append(dict(
                event_id=event.id, public_id=f"bench{n:08d}", status=statuses[n % 5],
                given_name=given, family_name=family, email=email, email_key=email,
                category=categories[n % len(categories)], country=COUNTRIES[n % len(COUNTRIES)],
                organisation=f"City of {n}", preferred_locale="en", privacy_consent_at=start,
                created_at=start + timedelta(minutes=13 * n), status_changed_at=start,
                search_text=search_key(full_name(given, family), "", email, f"City of {n}", ""),
            ))  # fmt: skip
        db.session.execute(insert(Registration), rows)
        ids = db.session.scalars(select(Registration.id).order_by(Registration.id)).all()
        db.session.execute(
            insert(CheckIn),
            [dict(event_id=event.id, registration_id=registration_id, nonce=f"n{registration_id}",
                  result="ok", scope_key=0, scanned_at=start, recorded_at=start)
             for registration_id in ids[::3]],
        )  # fmt: skip
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Statistics as autovacuum would have them after registrations came in over
            # months, rather than none after one bulk insert (the planner then guesses
            # one row and loops over every check-in for each delegate).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
                admin.execute(text("ANALYZE"))
        create_or_update_staff_user("organiser@bench.example", PASSWORD, "organiser", "bench")
        db.engine.dispose()


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def peak_memory_kib(server) -> int:
    """The largest VmHWM among gunicorn's workers (children of the master)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)))
    return max(peaks)


def measure(backend: str, url: str, delegates: int, requests: int, port: int) -> list[dict]:
    prepare(url, delegates)
    server = serve("wsgi:app", url, port, workers=2, threads=4)
    results = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as browser:
            token = csrf_token(browser.get("/staff/login").text)
            browser.post("/staff/login", data={"csrf_token": token, "password": PASSWORD,
                                               "email": "organiser@bench.example"})  # fmt: skip
            for name, query in VIEWS.items():
                browser.get("/organiser/bench/delegates", params=query)  # warm-up
                times = []
                for _ in range(requests):
                    started = time.perf_counter()
                    answer = browser.get("/organiser/bench/delegates", params=query)
                    times.append(time.perf_counter() - started)
                    assert answer.status_code == 200, answer.status_code
                times.sort()
                p50, p99 = statistics.median(times), times[int(len(times) * 0.99)]
                results.append({"backend": backend, "view": name, "p50_ms": round(p50 * 1000, 1),
                                "p99_ms": round(p99 * 1000, 1)})  # fmt: skip
            page = browser.get("/organiser/bench/exports").text
            columns = re.findall(r'<input checked[^>]*name="columns"[^>]*value="([^"]+)"', page)
            for format in ("csv", "xlsx"):
                before = peak_memory_kib(server)
                started = time.perf_counter()
                form = {"csrf_token": csrf_token(page), "format": format, "columns": columns}
                answer = browser.post("/organiser/bench/exports?kind=delegates", data=form)
                seconds = time.perf_counter() - started
                assert answer.status_code == 200, answer.status_code
                rows = answer.text.count("\n") - 1 if format == "csv" else None
                results.append({"backend": backend, "view": f"export {format}",
                                "seconds": round(seconds, 2), "bytes": len(answer.content),
                                "rows": rows, "worker_peak_growth_mib":
                                round((peak_memory_kib(server) - before) / 1024, 1)})  # fmt: skip
    finally:
        server.terminate()
        server.wait()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--delegates", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--postgresql", default=POSTGRESQL,
                        help="server for a scratch database; empty: SQLite only")  # fmt: skip
    args = parser.parse_args()
    results = []
    with scratch_databases(args.postgresql) as databases:
        for backend, url in databases:
            for result in measure(backend, url, args.delegates, args.requests, args.port):
                print(json.dumps(result), flush=True)
                results.append(result)
    print(f"\n{'view':<16}" + "".join(f"{backend:>24}" for backend, _ in databases))
    for view in [*VIEWS, "export csv", "export xlsx"]:
        cells = []
        for backend, _ in databases:
            result = next(r for r in results if r["backend"] == backend and r["view"] == view)
            if "p50_ms" in result:
                cells.append(f"p50 {result['p50_ms']:.0f} / p99 {result['p99_ms']:.0f} ms")
            else:
                cells.append(f"{result['seconds']:.1f} s, +{result['worker_peak_growth_mib']} MiB")
        print(f"{view:<16}" + "".join(f"{cell:>24}" for cell in cells))


if __name__ == "__main__":
    main()
