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
