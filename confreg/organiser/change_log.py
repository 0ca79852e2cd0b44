"""Changes organisers make to the event itself (settings, texts, badge and letter settings,
tracks, rooms, sessions) reach the audit log without each view having to say so: the
database session records them, field by field, as it writes them."""

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from confreg.audit import AuditEntry, changed_values
from confreg.events.models import Event, ProgrammeSession, Room, Track
from confreg.i18n import localised

#: Audited models and the name of each kind of change: added, changed, removed.
_ACTIONS = {
    Event: ("", "settings_changed", ""),
    Track: ("track_added", "track_changed", "track_removed"),
    Room: ("room_added", "room_changed", "room_removed"),
    ProgrammeSession: ("session_added", "session_changed", "session_removed"),
}
#: Bookkeeping columns, not decisions of the organiser.
_IGNORED = frozenset({"id", "event_id", "lock_version", "sequence", "created_at", "updated_at"})


def start_recording() -> None:
    if not sa_event.contains(Session, "before_flush", _record_changes):
        sa_event.listen(Session, "before_flush", _record_changes)


def _record_changes(session: Session, _context, _instances) -> None:
    if not _by_organiser():
        return
    for kind, objects in enumerate((session.new, session.dirty, session.deleted)):
        for item in list(objects):
            actions = _ACTIONS.get(type(item))
            if actions is None or not actions[kind]:
                continue
            before, after = _values(item, kind)
            changes = changed_values(before, after)
            if changes or kind != 1:
                event_id = item.id if isinstance(item, Event) else _event_id(item)
                session.add(
                    AuditEntry(
                        event_id=event_id,
                        actor="staff",
                        staff_user_id=current_user.id,
                        action=actions[kind],
                        subject=_name(session, item, event_id),
                        details={"changes": changes} if kind == 1 else {},
                    )
                )


def _by_organiser() -> bool:
    return (
        has_request_context() and request.blueprint == "organiser" and current_user.is_authenticated
    )


def _values(item, kind: int) -> tuple[dict, dict]:
    state = inspect(item)
    before, after = {}, {}
    if kind != 1:
        return before, after
    for attribute in state.mapper.column_attrs:
        if attribute.key in _IGNORED:
            continue
        history = state.attrs[attribute.key].history
        if history.has_changes():
            before[attribute.key] = history.deleted[0] if history.deleted else None
            after[attribute.key] = history.added[0] if history.added else None
    return before, after


def _event_id(item) -> int:
    return item.event_id if item.event_id is not None else item.event.id


def _name(session: Session, item, event_id: int) -> str:
    """What the organiser calls the item, in the event's main language (a new item's
    event is not loaded through it yet)."""
    if isinstance(item, Room):
        return item.name
    with session.no_autoflush:
        event = session.get(Event, event_id)
    names = item.name if isinstance(item, (Event, Track)) else item.title
    return localised(names, event.default_locale)
