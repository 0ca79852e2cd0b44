"""The ceiling for bench/checkin.py: a bare Flask endpoint that does one comparable
database write (a row with the scan's nonce, unique) and answers {"result": "ok"}; no
authentication, no badge check, no ORM. Served by gunicorn as bench.bare_checkin:app."""

import os

from flask import Flask, jsonify, request
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
)

engine = create_engine(os.environ["CONFREG_DATABASE_URL"], pool_pre_ping=True)
metadata = MetaData()
scans = Table(
    "bare_scans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("nonce", String(64), unique=True, nullable=False),
    Column("token", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), server_default=func.now()),
)


@event.listens_for(engine, "connect")
def _sqlite_settings(connection, _record):
    # The same settings as the app's (confreg/database.py), for a fair comparison.
    if type(connection).__module__.startswith("sqlite3"):
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
            connection.execute(f"PRAGMA {pragma}")


metadata.create_all(engine)
app = Flask(__name__)


@app.post("/checkins")
def check_in():
    body = request.get_json()
    with engine.begin() as connection:
        connection.execute(scans.insert().values(nonce=body["nonce"], token=body["token"][:200]))
    return jsonify({"result": "ok"})


@app.get("/healthz")
def healthz():
    return "ok"
