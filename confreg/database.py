"""Database behaviour that SQLite and PostgreSQL must share: connection settings and
the write lock that serialises capacity decisions."""

import logging
from datetime import UTC, datetime
from functools import cache, lru_cache

import pyuca
from sqlalchemy import DateTime, TypeDecorator, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from confreg.extensions import db


@cache
def _collator() -> pyuca.Collator:
    return pyuca.Collator()  # reads the Unicode collation table once


@lru_cache(maxsize=65536)
def _sort_key(text: str) -> tuple[int, ...]:
    return _collator().sort_key(text)


def _unicode_order(left: str, right: str) -> int:
    left_key, right_key = _sort_key(left or ""), _sort_key(right or "")
    return (left_key > right_key) - (left_key < right_key)


#: PostgreSQL's ICU collations by language; others sort by the root collation.
_ICU_LANGUAGES = frozenset({"ar", "el", "en", "es", "fa", "fr", "ru", "sl", "tr", "uk", "zh"})


def collated(column, locale: str):
    """`column` to be sorted as people of `locale` sort names: ICU's collation for the
    language on PostgreSQL, the Unicode Collation Algorithm's default order on SQLite
    (which has no locale collations)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return column.collate("unicode")
    language = locale.split("_")[0]
    return column.collate(f"{language if language in _ICU_LANGUAGES else 'und'}-x-icu")


class _NoRowsInLogs(logging.Filter):
    """SQLAlchemy logs every row it reads when its logger is at DEBUG: rows hold passport
    details, which must never reach a log. Statements stay, their values hidden by the
    engine's `hide_parameters` (config.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != "Row %r"


logging.getLogger("sqlalchemy.engine.Engine").addFilter(_NoRowsInLogs())


@sa_event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_collation("unicode", _unicode_order)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def lock_for_update(model, row_id: int) -> None:
    """Hold the row's lock until the transaction ends, so that decisions based on counts
    (capacity, waiting-list order) are taken one at a time.

    On PostgreSQL this is `SELECT … FOR UPDATE`. SQLite locks the whole database for
    writing; pysqlite opens its transaction at the first write, so a dummy write taken
    before any other makes every later read in the transaction current. Call it before
    the transaction writes anything else. The model needs a `lock_version` column.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(model).where(model.id == row_id).values(lock_version=model.lock_version + 1)
        )
    else:
        db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


def lock_event(event_id: int) -> None:
    from confreg.events.models import Event

    lock_for_update(Event, event_id)


class UTCDateTime(TypeDecorator):
    """A moment in time, stored in UTC and always read back time-zone aware, also on
    SQLite, which keeps no zone of its own."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give it a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if _dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, _dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def commit_keeping_loaded() -> None:
    """Commit without expiring what the session has loaded: an answer built afterwards
    from rows this transaction has just read or written needs no query to reload them."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def utcnow() -> datetime:
    return datetime.now(UTC)
