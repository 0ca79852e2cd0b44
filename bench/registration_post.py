#!/usr/bin/env python3
"""Registration POST under a small load, SQLite and PostgreSQL side by side in one run.

    .venv/bin/python bench/registration_post.py [--count 300] [--concurrency 4]
        [--postgresql postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each database: a fresh database at head, one event, the app served by a separate
process (gunicorn, 2 workers × 4 threads; mail is left in the outbox, as with a worker),
`concurrency` delegates at a time each loading the form and sending it. Only the POST is
timed. Prints one JSON line per database and the PostgreSQL/SQLite ratio of medians.
"""

import argparse
import json
import re
import secrets
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import POSTGRESQL, scratch_databases, serve

_HIDDEN = re.compile(r'name="(csrf_token|submission_key)"[^>]*value="([^"]*)"')


def prepare(url: str) -> None:
    from flask_migrate import upgrade

    from config import TestConfig
    from confreg import create_app
    from confreg.events.models import Event
    from confreg.extensions import db

    app = create_app(TestConfig(url))
    with app.app_context():
        upgrade()
        db.session.add(
            Event(slug="bench", name={"en": "Bench"}, city="Ljubljana", country="SI",
                  timezone="Europe/Ljubljana", starts_on=date(2031, 5, 6), ends_on=date(2031, 5, 8))
        )  # fmt: skip
        db.session.commit()
        db.engine.dispose()


def one_delegate(base: str, number: int) -> tuple[float, int]:
    with httpx.Client(base_url=base, timeout=30) as browser:
        form = dict(_HIDDEN.findall(browser.get("/e/bench/register").text))
        form |= {
            "given_name": "Αθανάσιος", "family_name": "Καρπουχτσής",
            "latin_given_name": "Athanasios", "latin_family_name": "Karpouchtsis",
            "email": f"bench{number}-{secrets.token_hex(3)}@city.example",
            "category": "city_official", "organisation": "Δήμος Σερρών", "city": "Serres",
            "country": "GR", "preferred_locale": "en", "privacy_consent": "y",
        }  # fmt: skip
        started = time.perf_counter()
        response = browser.post("/e/bench/register", data=form)
        return time.perf_counter() - started, response.status_code


def measure(name: str, url: str, count: int, concurrency: int, port: int) -> dict:
    prepare(url)
    server = serve("wsgi:app", url, port, workers=2, threads=4)
    try:
        base = f"http://127.0.0.1:{port}"
        one_delegate(base, -1)  # warm-up
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(lambda n: one_delegate(base, n), range(count)))
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    times = sorted(seconds * 1000 for seconds, _ in results)
    return {
        "database": name,
        "count": count,
        "concurrency": concurrency,
        "p50_ms": round(statistics.median(times), 1),
        "p90_ms": round(times[int(0.9 * len(times)) - 1], 1),
        "max_ms": round(times[-1], 1),
        "delegates_per_s": round(count / wall, 1),
        "non_303": sum(status != 303 for _, status in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument(
        "--postgresql", default=POSTGRESQL,
        help="a server where a scratch database may be created; empty to skip",
    )  # fmt: skip
    args = parser.parse_args()
    with scratch_databases(args.postgresql) as databases:
        rows = [
            measure(name, url, args.count, args.concurrency, args.port) for name, url in databases
        ]
    for row in rows:
        print(json.dumps(row))
    if len(rows) == 2:
        print(
            json.dumps(
                {"postgresql_over_sqlite_p50": round(rows[1]["p50_ms"] / rows[0]["p50_ms"], 2)}
            )
        )


if __name__ == "__main__":
    main()
