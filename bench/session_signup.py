#!/usr/bin/env python3
"""Session sign-up under concurrent clients, and the programme page with 150 sessions
and 3,000 delegates, on SQLite and PostgreSQL side by side, against gunicorn.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/session_signup.py [--delegates 400] [--seats 100]
        [--concurrency 8] [--workers 2] [--threads 4]
        [--postgresql postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each database: a fresh database at head; one event with a 150-session programme and
3,000 confirmed delegates (enrolled across sessions); one session with `--seats` seats that
`--delegates` of them try to join at once, `--concurrency` at a time, through their
personal pages (GET the page for the form token, POST "join"; only the POST is timed).
Checks that exactly `--seats` got a seat and the rest queue. Then times 30 loads of the
public programme page. Prints one JSON line per database, then the ratios.
"""

import argparse
import json
import re
import secrets
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import POSTGRESQL, SECRET, scratch_databases, serve

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def prepare(url: str, seats: int) -> tuple[list[str], int]:
    """Build the event; return the personal-link tokens of the delegates and the id of
    the session they rush."""
    from flask_migrate import upgrade

    from config import TestConfig
    from confreg import create_app
    from confreg.events.models import Enrolment, Event, ProgrammeSession, Room, Track
    from confreg.extensions import db
    from confreg.registration.links import manage_token
    from confreg.registration.models import Registration

    config = TestConfig(url)
    config.SECRET_KEY = SECRET
    app = create_app(config)
    with app.app_context():
        upgrade()
        event = Event(slug="bench", name={"en": "Bench"}, city="Mexico City", country="MX",
                      timezone="America/Mexico_City", starts_on=date(2031, 9, 28),
                      ends_on=date(2031, 9, 30))  # fmt: skip
        tracks = [
            Track(event=event, kind="regional", name={"en": f"Track {n}"}, position=n)
            for n in range(6)
        ]
        rooms = [Room(event=event, name=f"Room {n}", capacity=200) for n in range(6)]
        db.session.add_all([event, *tracks, *rooms])
        start = datetime(2031, 9, 28, 15, 0, tzinfo=UTC)
        sessions = []
        for number in range(150):  # 3 days, 25 slots of 6 parallel sessions
            slot_start = start + timedelta(days=number // 50, hours=(number % 50) // 6)
            sessions.append(
                ProgrammeSession(event=event, track=tracks[number % 6], room=rooms[number % 6],
                                 title={"en": f"Session {number}"}, starts_at=slot_start,
                                 ends_at=slot_start + timedelta(minutes=50))
            )  # fmt: skip
        early = start - timedelta(hours=3)
        rush = ProgrammeSession(event=event, title={"en": "Mayors' forum"}, capacity=seats,
                                starts_at=early, ends_at=early + timedelta(hours=1))  # fmt: skip
        db.session.add_all([*sessions, rush])
        now = datetime.now(UTC)
        delegates = [
            Registration(event=event, status="confirmed", given_name=f"Delegate {n}",
                         email=f"d{n}@bench.example", email_key=f"d{n}@bench.example",
                         category="mayor", country="MX", preferred_locale="en",
                         privacy_consent_at=now, public_id=secrets.token_urlsafe(12))
            for n in range(3000)
        ]  # fmt: skip
        db.session.add_all(delegates)
        db.session.flush()
        db.session.add_all(
            Enrolment(session_id=sessions[n % 150].id, registration_id=d.id, status="enrolled")
            for n, d in enumerate(delegates)
        )
        db.session.commit()
        tokens = [manage_token(d) for d in delegates]
        rush_id = rush.id
        db.engine.dispose()
    return tokens, rush_id


def join(base: str, token: str, session_id: int) -> tuple[float, int]:
    with httpx.Client(base_url=base, timeout=60) as browser:
        page = browser.get(f"/e/bench/manage/{token}").text
        form = {"csrf_token": _TOKEN.search(page).group(1)}
        started = time.perf_counter()
        response = browser.post(f"/e/bench/manage/{token}/sessions/{session_id}/join", data=form)
        return time.perf_counter() - started, response.status_code


def outcome(url: str, session_id: int) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT status, count(*) FROM enrolments WHERE session_id = :id GROUP BY status"),
            {"id": session_id},
        ).all()
    engine.dispose()
    return dict(rows)


def measure(name: str, url: str, args) -> dict:
    tokens, rush_id = prepare(url, args.seats)
    server = serve("wsgi:app", url, args.port, args.workers, args.threads)
    base = f"http://127.0.0.1:{args.port}"
    try:
        httpx.get(f"{base}/e/bench/programme", timeout=60)  # warm-up
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(lambda t: join(base, t, rush_id), tokens[: args.delegates]))
        wall = time.perf_counter() - started
        page_times = []
        for _ in range(30):
            t = time.perf_counter()
            assert httpx.get(f"{base}/e/bench/programme", timeout=60).status_code == 200
            page_times.append((time.perf_counter() - t) * 1000)
    finally:
        server.terminate()
        server.wait()
    times = sorted(seconds * 1000 for seconds, _ in results)
    seats = outcome(url, rush_id)
    return {
        "database": name, "sign_ups": len(results), "concurrency": args.concurrency,
        "signup_p50_ms": round(statistics.median(times), 1),
        "signup_p90_ms": round(times[int(0.9 * len(times)) - 1], 1),
        "sign_ups_per_s": round(len(results) / wall, 1),
        "enrolled": seats.get("enrolled", 0), "waitlisted": seats.get("waitlisted", 0),
        "non_303": sum(status != 303 for _, status in results),
        "programme_page_p50_ms": round(statistics.median(page_times), 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegates", type=int, default=400)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=5078)
    parser.add_argument("--postgresql", default=POSTGRESQL)
    args = parser.parse_args()
    with scratch_databases(args.postgresql) as databases:
        rows = [measure(name, url, args) for name, url in databases]
    for row in rows:
        print(json.dumps(row))
    if len(rows) == 2:
        sqlite, postgresql = rows
        ratios = {
            f"postgresql_over_sqlite_{key}": round(postgresql[key] / sqlite[key], 2)
            for key in ("signup_p50_ms", "programme_page_p50_ms")
        }
        print(json.dumps(ratios))


if __name__ == "__main__":
    main()
