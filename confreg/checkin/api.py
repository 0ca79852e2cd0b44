"""The check-in API, for the desk page and for any other scanner: JSON in, JSON out,
a desk user's bearer token or the desk page's own log-in."""

from datetime import datetime
from functools import wraps

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import exists, select

from confreg.auth.service import bearer_access
from confreg.badges.models import RegistrationPhoto
from confreg.badges.service import badge_colour
from confreg.checkin import service, snapshot
from confreg.checkin.openapi import openapi_document
from confreg.database import utcnow
from confreg.events.models import Event
from confreg.extensions import csrf, db, limiter
from confreg.i18n import country_name
from confreg.names import has_forbidden_characters
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.organiser.service import find_delegates
from confreg.registration.models import Registration

bp = Blueprint("checkin_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer requests carry no cookie; the desk page's are checked below

DESK_ROLES = ("desk", "organiser")
#: Scans one offline batch may hold.
MAX_BATCH = 500


def error(status: int, code: str, message: str):
    response = jsonify({"error": code, "message": message})
    response.status_code = status
    return response


def _desk_credential() -> str:
    """Whom a rate limit counts: the bearer token, else the address."""
    return request.headers.get("Authorization") or get_remote_address()


def desk_api(view):
    """Resolves the event and the desk user (bearer token, else the logged-in desk
    page); answers 401/403/404 in JSON otherwise. The view gets (event, user_id)."""

    @limiter.limit(lambda: current_app.config["CHECKIN_RATE_LIMIT"], key_func=_desk_credential)
    @wraps(view)
    def wrapped(slug: str, **kwargs):
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            return error(404, "not_found", _("There is no event at this address."))
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if scheme:
            if scheme.lower() != "bearer":
                return error(401, "unauthorized", _("Send a bearer token."))
            user_id, valid = bearer_access(token.strip(), event.id, DESK_ROLES)
            if not valid:
                return error(401, "unauthorized", _("This token is unknown or revoked."))
        elif current_user.is_authenticated:
            user_id = current_user.id
            if not any(current_user.has_role(event.id, role) for role in DESK_ROLES):
                user_id = None
            if request.method == "POST":
                try:
                    csrf.protect()
                except CSRFError:
                    return error(403, "csrf", _("Reload the desk page and try again."))
        else:
            return error(401, "unauthorized", _("Log in or send a bearer token."))
        if user_id is None:
            return error(403, "forbidden", _("You are not a desk volunteer of this event."))
        return view(event, user_id, **kwargs)

    return wrapped


def _moment(moment: datetime, event: Event) -> str:
    return format_datetime(moment.astimezone(event.zone), "short")


def delegate_json(registration: Registration, event: Event, has_photo: bool) -> dict:
    return {
        "public_id": registration.public_id,
        "name": registration.full_name,
        "given_name": registration.given_name,
        "family_name": registration.family_name,
        "latin_name": registration.latin_name,
        "category": registration.category,
        "category_label": registration.category_label,
        "colour": badge_colour(event, registration.category),
        "organisation": registration.organisation,
        "city": registration.city,
        "country": registration.country,
        "country_name": country_name(registration.country),
        "status": registration.status,
        "badge_revision": registration.badge_revision,
        "notes": registration.accessibility_needs,
        "photo_url": url_for("desk.photo", slug=event.slug, public_id=registration.public_id)
        if has_photo
        else None,
    }


def _message(answer: service.Answer, event: Event) -> str:
    detail = answer.detail
    if answer.result == "ok":
        if answer.checkin.session_id is None or detail == "enrolled":
            return _("Checked in. Welcome!") if detail != "enrolled" else _("Has a seat here.")
        if detail == "waitlisted":
            return _("On this session's waiting list: let in only if seats are free.")
        return _("Not signed up for this session: let in only if seats are free.")
    if answer.result == "already_checked_in":
        return _(
            "Already checked in at %(time)s at %(desk)s.",
            time=_moment(answer.first.scanned_at, event),
            desk=answer.first.desk or _("a desk"),
        )
    return {
        "invalid": _("Unknown badge: this code is not one of this event's badges."),
        "revoked": _("This badge was replaced by a newer one. Use the new badge, or print it."),
        "wrong_event": _("This badge is for another event."),
        "not_eligible": _("Not admitted to this session."),
        "not_confirmed": {
            "cancelled": _("This registration is cancelled."),
            "rejected": _("This registration was not accepted."),
            "pending": _("This registration is not approved yet."),
            "waitlisted": _("This delegate is on the waiting list, not confirmed."),
        }.get(detail, _("This registration is not confirmed.")),
    }[answer.result]


def answer_json(answer: service.Answer, event: Event) -> dict:
    checkin = answer.checkin
    body = {
        "result": answer.result,
        "detail": answer.detail,
        "message": _message(answer, event),
        "replayed": answer.replayed,
        "checkin": {
            "id": checkin.id,
            "scanned_at": checkin.scanned_at.isoformat(),
            "desk": checkin.desk,
            "scope": checkin.session_id or "event",
        },
        "delegate": None,
        "first": None,
    }
    if answer.registration is not None and answer.result != "invalid":
        has_photo = db.session.scalar(
            select(exists().where(RegistrationPhoto.registration_id == answer.registration.id))
        )
        body["delegate"] = delegate_json(answer.registration, event, has_photo)
    if answer.first is not None:
        body["first"] = {
            "scanned_at": answer.first.scanned_at.isoformat(),
            "local_time": _moment(answer.first.scanned_at, event),
            "desk": answer.first.desk,
        }
    return body


def parse_scan(data) -> service.Scan:
    """A scan from request JSON; raises ScanRejected with the field that is wrong."""
    if not isinstance(data, dict):
        raise service.ScanRejected("body")
    token, public_id = data.get("token"), data.get("registration")
    if (token is None) == (public_id is None):
        raise service.ScanRejected("token")
    for name, value in (("token", token), ("registration", public_id)):
        if value is not None and not isinstance(value, str):
            raise service.ScanRejected(name)
    nonce, desk = data.get("nonce"), data.get("desk", "")
    if not isinstance(nonce, str) or not 1 <= len(nonce) <= 64 or not nonce.isprintable():
        raise service.ScanRejected("nonce")
    if not isinstance(desk, str) or len(desk) > 64 or has_forbidden_characters(desk):
        raise service.ScanRejected("desk")
    scope = data.get("scope", "event")
    if scope == "event":
        session_id = None
    elif isinstance(scope, int) and not isinstance(scope, bool) and scope > 0:
        session_id = scope
    elif isinstance(scope, str) and scope.isdigit() and len(scope) < 10:
        session_id = int(scope)
    else:
        raise service.ScanRejected("scope")
    scanned_at = None
    if (moment := data.get("scanned_at")) is not None:
        try:
            scanned_at = datetime.fromisoformat(moment)
        except (TypeError, ValueError) as error:
            raise service.ScanRejected("scanned_at") from error
        if scanned_at.tzinfo is None:
            raise service.ScanRejected("scanned_at")
    return service.Scan(
        nonce=nonce,
        token=token[:1000] if token is not None else None,
        public_id=public_id[:32] if public_id is not None else None,
        session_id=session_id,
        desk=desk,
        scanned_at=scanned_at,
    )


_FIELD_MESSAGES = {
    "body": lambda: _("Send a JSON object."),
    "token": lambda: _("Send either the badge's token or a registration's public id."),
    "registration": lambda: _("The registration must be a text."),
    "nonce": lambda: _("Send a nonce of 1 to 64 characters, new for each scan."),
    "desk": lambda: _("The desk label must be a text of at most 64 characters."),
    "scope": lambda: _('The scope is "event" or the id of one of this event\'s sessions.'),
    "scanned_at": lambda: _("Give scanned_at as an ISO 8601 time with its offset."),
}


def _rejected(rejected: service.ScanRejected):
    return error(400, f"invalid_{rejected.code}", _FIELD_MESSAGES[rejected.code]())


@bp.post("/events/<slug>/checkins")
@desk_api
def check_in(event: Event, user_id: int):
    try:
        answer = service.check_in(event, parse_scan(request.get_json(silent=True)), user_id)
    except service.ScanRejected as rejected:
        return _rejected(rejected)
    return jsonify(answer_json(answer, event))


@bp.post("/events/<slug>/checkins/batch")
@desk_api
def check_in_batch(event: Event, user_id: int):
    """An offline desk's queue: each scan judged and recorded as if sent alone, in the
    order of their scan times, so that the earliest scan of a badge wins."""
    data = request.get_json(silent=True)
    scans = data.get("scans") if isinstance(data, dict) else None
    if not isinstance(scans, list) or not 1 <= len(scans) <= MAX_BATCH:
        return error(400, "invalid_scans", _("Send up to %(max)d scans.", max=MAX_BATCH))
    try:
        parsed = [parse_scan(scan) for scan in scans]
    except service.ScanRejected as rejected:
        return _rejected(rejected)
    # Every scope is checked before anything is recorded: a batch is taken whole or not.
    scopes = {scan.session_id for scan in parsed} - {None}
    if scopes and len(service.sessions_of(event, scopes)) < len(scopes):
        return _rejected(service.ScanRejected("scope"))
    answers = {}
    now = utcnow()
    for scan in sorted(parsed, key=lambda scan: scan.scanned_at or now):
        answer = service.check_in(event, scan, user_id, earliest_wins=True)
        answers[scan.nonce] = answer_json(answer, event)
    return jsonify({"results": [answers[scan.nonce] for scan in parsed]})


@bp.post("/events/<slug>/checkins/<int:checkin_id>/undo")
@desk_api
def undo(event: Event, user_id: int, checkin_id: int):
    try:
        checkin = service.undo_checkin(event, checkin_id, user_id)
    except service.NotUndone:
        return error(409, "not_undone", _("Only a check-in that let someone in can be undone."))
    return jsonify({"id": checkin.id, "undone_at": checkin.undone_at.isoformat()})


@bp.get("/events/<slug>/snapshot")
@desk_api
def desk_snapshot(event: Event, user_id: int):
    """What a desk keeps to judge badges and search names on its own when offline."""
    return jsonify(snapshot.desk_snapshot(event, str(get_locale())))


@bp.get("/events/<slug>/search")
@desk_api
def search(event: Event, user_id: int):
    query = request.args.get("q", "")[:200]
    if len(query.strip()) < 2:
        return jsonify({"results": []})
    found = find_delegates(event, DelegateFilter(query=query), page=1, per_page=20).registrations
    photos = set(
        db.session.scalars(
            select(RegistrationPhoto.registration_id).where(
                RegistrationPhoto.registration_id.in_([r.id for r in found])
            )
        )
    )
    checked_in = service.checked_in_ids(event, [r.id for r in found])

    def result(registration: Registration) -> dict:
        moment = checked_in.get(registration.id)
        return delegate_json(registration, event, registration.id in photos) | {
            "checked_in_at": moment.isoformat() if moment else None
        }

    return jsonify({"results": [result(registration) for registration in found]})


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
