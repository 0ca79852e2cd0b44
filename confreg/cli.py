"""`flask confreg …`: commands for operators and scripts."""

import time
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import select

from confreg.auth.models import ROLES
from confreg.auth.service import UnknownEvent, WeakPassword, create_or_update_staff_user
from confreg.mail import deliver_due

confreg_cli = AppGroup("confreg", help="confreg operations.")


@confreg_cli.command("demo")
def demo_command():
    """Create the database if needed and load the demo conference (idempotent)."""
    from confreg.demo import DEMO_LOGINS, load_demo

    upgrade()
    event, created = load_demo()
    click.echo(f"Demo conference {'loaded' if created else 'already there'}: /e/{event.slug}/")
    click.echo("Demo logins (at /staff/login):")
    for role, (email, password) in DEMO_LOGINS.items():
        click.echo(f"  {role:10} {email}  password: {password}")


@confreg_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(sorted(ROLES)), required=True)
@click.option("--event", "event_slug", required=True, help="The event's slug.")
@click.option("--password", help="Asked for when not given.")
def create_user_command(email: str, role: str, event_slug: str, password: str | None):
    """Create a staff user (or reset their password) with a role at an event."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_or_update_staff_user(email, password, role, event_slug)
    except UnknownEvent as error:
        raise click.UsageError(f"no event with the slug {error}") from error
    except WeakPassword as error:
        raise click.UsageError(f"the password needs at least {error} characters") from error
    click.echo(f"{user.email} is {role} at {event_slug}.")


@confreg_cli.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep sending what falls due, every few seconds.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
def send_mail_command(loop: bool, interval: float):
    """Deliver the outbox: new messages and retries that are due."""
    while True:
        sent = deliver_due()
        if sent or not loop:
            click.echo(f"{sent} message(s) sent.")
        if not loop:
            return
        time.sleep(interval)


@confreg_cli.command("badges")
@click.argument("event_slug")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--not-printed", is_flag=True, help="Only badges not printed yet.")
def badges_command(event_slug: str, output: str, not_printed: bool):
    """Render every confirmed delegate's badge into one PDF, in the event's layout, and
    record them as printed."""
    from confreg.badges import service as badges
    from confreg.events.models import Event
    from confreg.extensions import db

    event = db.session.scalar(select(Event).where(Event.slug == event_slug))
    if event is None:
        raise click.UsageError(f"no event with the slug {event_slug}")
    delegates = db.session.scalars(badges.badge_filter(event, not_printed=not_printed)).all()
    started = time.perf_counter()
    body = badges.render_badges(event, delegates)
    # Written beside the target and renamed: a crash leaves the previous file whole, and
    # the badges are recorded as printed only once the new file is complete.
    partial = Path(f"{output}.partial")
    partial.write_bytes(body)
    partial.replace(output)
    badges.mark_printed(delegates)
    seconds = time.perf_counter() - started
    click.echo(f"{len(delegates)} badge(s) written to {output} in {seconds:.1f} s.")


@confreg_cli.command("api-token")
@click.argument("email")
@click.option("--label", default="", help="What the token is for, e.g. 'scanner 3'.")
@click.option("--revoke", "revoke", is_flag=True, help="Revoke the user's tokens instead.")
@click.option("--token-id", type=int, help="With --revoke: only this token.")
def api_token_command(email: str, label: str, revoke: bool, token_id: int | None):
    """Print a new bearer token for a staff user's scanner (shown once), or revoke."""
    from confreg.auth.service import UnknownStaffUser, create_api_token, revoke_api_tokens

    try:
        if revoke:
            click.echo(f"{revoke_api_tokens(email, token_id)} token(s) revoked.")
            return
        record, token = create_api_token(email, label)
    except UnknownStaffUser as error:
        raise click.UsageError(f"no staff user {email}") from error
    click.echo(token)
    click.echo(f"(token {record.id} for {record.user.email}; keep it secret)", err=True)


@confreg_cli.command("backup")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
def backup_command(output: str):
    """Copy the SQLite database to OUTPUT, consistent even while the app writes to it
    (SQLite's online backup). For PostgreSQL use pg_dump."""
    import sqlite3

    from confreg.extensions import db

    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.UsageError("this database is not SQLite: back it up with pg_dump")
    source = sqlite3.connect(url.database, timeout=30)
    target = sqlite3.connect(output)
    try:
        with target:
            source.backup(target)
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    if check != "ok":
        raise click.ClickException(f"the copy failed its integrity check: {check}")
    click.echo(f"Database copied to {output}.")


@confreg_cli.command("erase-passports")
def erase_passports_command():
    """Erase the passport details of events whose retention date has passed (run it
    daily, e.g. from cron)."""
    from confreg.database import utcnow
    from confreg.registration.privacy import erase_expired_passports

    erased = erase_expired_passports(utcnow().date())
    click.echo(f"Passport details erased from {erased} registration(s).")
