"""What the benchmarks share: scratch databases on both backends, gunicorn on loopback."""

import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def scratch_postgresql(server: str) -> Iterator[str]:
    """The URL of an empty database made on the PostgreSQL server at `server` (a URL of
    any database there), dropped afterwards."""
    url = make_url(server)
    name = f"confreg_bench_{secrets.token_hex(3)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_databases(postgresql: str | None) -> Iterator[list[tuple[str, str]]]:
    """[(backend, url)]: an empty SQLite file, and an empty PostgreSQL database made on
    the given server (dropped afterwards) unless `postgresql` is empty."""
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        databases = [("sqlite", f"sqlite:///{scratch}/bench.sqlite")]
        if postgresql:
            databases.append(("postgresql", stack.enter_context(scratch_postgresql(postgresql))))
        yield databases


def serve(app: str, url: str, port: int, workers: int, threads: int, ready: str = "/healthz",
          environment: dict[str, str] | None = None):  # fmt: skip
    """gunicorn serving `app` (module:object) against the database at `url`, with
    `environment` added to the app's settings. Rate limits are off: every client of a
    benchmark comes from one address, which the limits would soon refuse."""
    env = os.environ | {"CONFREG_DATABASE_URL": url, "CONFREG_SECRET_KEY": SECRET,
                        "CONFREG_MAIL_DELIVER_AFTER_REQUEST": "0",
                        "CONFREG_RATELIMIT_ENABLED": "0"}  # fmt: skip
    env |= environment or {}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "gthread", "--threads",
         str(threads), "-b", f"127.0.0.1:{port}", app],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}{ready}", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")
