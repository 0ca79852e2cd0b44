"""Which of the organisers' own texts still lack a translation."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from confreg.events.models import Event, ProgrammeSession, Track
from confreg.extensions import db


@dataclass(frozen=True)
class TextStatus:
    """One text an organiser wrote: what it is, where to edit it, in which locales it
    is written and in which it is missing."""

    label: str
    endpoint: str
    values: dict
    written: frozenset[str]
    missing: tuple[str, ...]


def _status(label: str, endpoint: str, values: dict, texts: dict, locales) -> TextStatus:
    written = frozenset(code for code, text in (texts or {}).items() if text)
    missing = tuple(code for code in locales if code not in written)
    return TextStatus(label, endpoint, values, written, missing)


def text_statuses(event: Event, locales: tuple[str, ...]) -> list[TextStatus]:
    """Every text the organisers wrote (texts left empty in every language are not
    asked for), the ones with missing translations first."""
    slug = {"slug": event.slug}
    statuses = [_status(_("Event name"), "organiser.event_texts", slug, event.name, locales)]
    for label, texts, endpoint in (
        (_("Help above the registration form"), event.registration_help, "organiser.event_texts"),
        (_("Note in registration e-mails"), event.confirmation_note, "organiser.event_texts"),
        (_("Visa letter text"), event.visa_letter_text, "organiser.visa_letter_text"),
    ):
        if any((texts or {}).values()):
            statuses.append(_status(label, endpoint, slug, texts, locales))
    tracks = db.session.scalars(
        select(Track).where(Track.event_id == event.id).order_by(Track.position)
    )
    for track in tracks:
        label = _("Track: %(name)s", name=track.title)
        values = slug | {"track_id": track.id}
        statuses.append(_status(label, "organiser.track_edit", values, track.name, locales))
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    )
    for session in sessions:
        values = slug | {"session_id": session.id}
        title, edit = session.display_title, "organiser.session_edit"
        label = _("Session title: %(title)s", title=title)
        statuses.append(_status(label, edit, values, session.title, locales))
        if any((session.description or {}).values()):
            label = _("Session description: %(title)s", title=title)
            statuses.append(_status(label, edit, values, session.description, locales))
    return sorted(statuses, key=lambda status: not status.missing)
