"""Database behaviour that SQLite and PostgreSQL must share: connection settings and
the write lock that serialises capacity decisions."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from confreg.extensions import db


@sa_event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
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
