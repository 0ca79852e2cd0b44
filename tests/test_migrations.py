"""The schema is the migrations' work, and they match the models, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from confreg.extensions import db


def test_migrations_at_head_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_upgrade_again(app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {"events", "registrations", "outbox_messages"} <= set(
        inspect(db.engine).get_table_names()
    )


def test_upgrade_keeps_the_programme_already_stored(app):
    """Sessions stored before enrolments existed stay, open to all."""
    from sqlalchemy import select, text

    from confreg.events.models import ProgrammeSession

    downgrade(revision="963c99793bbf")  # the initial schema, as an installation had it
    for statement in (
        "INSERT INTO events (id, slug, name, venue, city, country, timezone, starts_on, ends_on,"
        " default_locale, contact_email, requires_approval, lock_version, created_at) VALUES"
        " (1, 'before', '{\"en\": \"Before\"}', '', 'Serres', 'GR', 'Europe/Athens',"
        " '2031-01-01', '2031-01-02', 'en', '', false, 0, '2030-06-01 10:00:00')",
        "INSERT INTO programme_sessions (event_id, title, description, starts_at, ends_at,"
        " languages, interpreted_into) VALUES (1, '{\"en\": \"Opening\"}', '{}',"
        " '2031-01-01 08:00:00', '2031-01-01 09:00:00', '[]', '[]')",
    ):
        db.session.execute(text(statement))
    db.session.commit()

    upgrade()

    session = db.session.scalars(select(ProgrammeSession)).one()
    assert session.title == {"en": "Opening"}
    assert (session.by_invitation, session.lock_version) == (False, 0)
