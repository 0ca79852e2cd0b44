"""What a desk keeps to go on checking people in when the network drops."""

from collections import defaultdict

from sqlalchemy import select

from confreg.badges.models import RegistrationPhoto
from confreg.badges.service import badge_colour, public_key_document
from confreg.checkin.service import checked_in_ids
from confreg.database import utcnow
from confreg.events.models import Enrolment, Event, ProgrammeSession, SessionInvitation
from confreg.extensions import db
from confreg.i18n import country_name
from confreg.registration.models import CATEGORIES, Registration


def desk_snapshot(event: Event, locale: str) -> dict:
    """The event's public key, every registration a desk may meet (with its badge
    revision, status, the names and what the answer screen shows, and the folded
    search text), and each session's seats, queue and invitations. Labels are in
    `locale`, the desk's language."""
    key = public_key_document(event)
    db.session.commit()  # the key, if this request made it
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.erased_at.is_(None))
        .order_by(Registration.family_name, Registration.given_name)
    ).all()
    photos = set(
        db.session.scalars(
            select(RegistrationPhoto.registration_id)
            .join(Registration)
            .where(Registration.event_id == event.id)
        )
    )
    checked_in = checked_in_ids(event)
    by_id = {registration.id: registration.public_id for registration in registrations}
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .order_by(ProgrammeSession.starts_at)
    ).all()
    # session id -> {"enrolled": [...], "waitlisted": [...], "invited": [...]}
    lists = defaultdict(lambda: {"enrolled": [], "waitlisted": [], "invited": []})
    for session_id, registration_id, status in db.session.execute(
        select(Enrolment.session_id, Enrolment.registration_id, Enrolment.status)
        .join(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
    ):
        lists[session_id][status].append(by_id[registration_id])
    for session_id, registration_id in db.session.execute(
        select(SessionInvitation.session_id, SessionInvitation.registration_id)
        .join(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
    ):
        lists[session_id]["invited"].append(by_id[registration_id])
    return {
        "event": event.slug,
        "generated_at": utcnow().isoformat(),
        "locale": locale,
        "key": {"key_id": key["key_id"], "public_key": key["public_key"]},
        "categories": {code: str(label) for code, label in CATEGORIES.items()},
        "registrations": [
            {
                "public_id": registration.public_id,
                "badge_revision": registration.badge_revision,
                "status": registration.status,
                "name": registration.full_name,
                "latin_name": registration.latin_name,
                "category": registration.category,
                "colour": badge_colour(event, registration.category),
                "organisation": registration.organisation,
                "city": registration.city,
                "country_name": country_name(registration.country),
                "notes": registration.accessibility_needs,
                "has_photo": registration.id in photos,
                "search": registration.search_text,
                "checked_in_at": checked_in[registration.id].isoformat()
                if registration.id in checked_in
                else None,
            }
            for registration in registrations
        ],
        "sessions": [
            {
                "id": session.id,
                "title": session.display_title,
                "starts_at": session.starts_at.isoformat(),
                "eligible_categories": session.eligible_categories,
                "by_invitation": session.by_invitation,
                **lists[session.id],
            }
            for session in sessions
        ],
    }
