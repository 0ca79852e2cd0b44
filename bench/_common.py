"""What the benchmarks share: scratch databases on both backends, gunicorn on loopback."""

import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def scratch_databases(postgresql: str | None) -> Iterator[list[tuple[str, str]]]:
    """[(backend, url)]: an empty SQLite file, and an empty PostgreSQL database made on
    the given server (dropped afterwards) unless `postgresql` is empty."""
    with tempfile.TemporaryDirectory() as scratch:
        databases = [("sqlite", f"sqlite:///{scratch}/bench.sqlite")]
        admin = None
        if postgresql:
            server = make_url(postgresql)
            name = f"confreg_bench_{secrets.token_hex(3)}"
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            databases.append(
                ("postgresql", server.set(database=name).render_as_string(hide_password=False))
            )
        try:
            yield databases
        finally:
            if admin is not None:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


def serve(app: str, url: str, port: int, workers: int, threads: int, ready: str = "/healthz"):
    """gunicorn serving `app` (module:object) against the database at `url`."""
    env = os.environ | {"CONFREG_DATABASE_URL": url, "CONFREG_SECRET_KEY": SECRET,
                        "CONFREG_MAIL_DELIVER_AFTER_REQUEST": "0"}  # fmt: skip
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
