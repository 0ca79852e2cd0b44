"""Badge rules: the event's signing key, issuing and checking tokens, re-issuing and
printing badges."""

import base64
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask_babel import force_locale, gettext
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import undefer

from confreg import audit
from confreg.badges import pdf
from confreg.badges.models import EventSigningKey, RegistrationPhoto
from confreg.badges.pdf import CATEGORY_COLOURS, DEFAULT_COLOUR, BadgeContent
from confreg.badges.qr import qr_drawing
from confreg.badges.tokens import (
    MAX_REVISION,
    TOKEN_LENGTH,
    TOKEN_VERSION,
    BadgeClaim,
    TokenRefused,
    check_signature,
    read_claim,
    sign_badge,
)
from confreg.database import utcnow
from confreg.events.models import Event
from confreg.extensions import db
from confreg.i18n import place_name
from confreg.registration.models import Registration


def signing_key(event: Event) -> EventSigningKey:
    """The event's key, made on first use (by whichever request comes first)."""
    query = select(EventSigningKey).where(EventSigningKey.event_id == event.id)
    if (key := db.session.scalar(query)) is not None:
        return key
    private = Ed25519PrivateKey.generate()
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    db.session.execute(
        insert(EventSigningKey)
        .values(
            event_id=event.id,
            key_id=secrets.token_hex(4),
            private_key=private.private_bytes_raw(),
            public_key=private.public_key().public_bytes_raw(),
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
    )
    return db.session.scalars(query).one()


def issue_token(registration: Registration) -> str:
    """The QR content of the registration's current badge (Ed25519 signatures are
    deterministic: the same badge always gets the same token)."""
    return _sign(signing_key(registration.event), registration)


def _sign(key: EventSigningKey, registration: Registration) -> str:
    claim = BadgeClaim(key.key_id, registration.public_id, registration.badge_revision)
    return sign_badge(Ed25519PrivateKey.from_private_bytes(key.private_key), claim)


@dataclass(frozen=True)
class TokenCheck:
    """What a token says at this event: the delegate it names (when it names one) and
    why it is refused (None when it is good)."""

    #: "malformed", "bad_signature", "unknown" (no such badge), "wrong_event", "revoked"
    #: (re-issued since), "cancelled" or "not_confirmed"; None when accepted.
    refusal: str | None
    registration: Registration | None = None

    @property
    def accepted(self) -> bool:
        return self.refusal is None


# Keys never change once made, so every process keeps the public ones it has used:
# judging a badge then needs no query for the key.
_public_keys: dict[str, tuple[int, Ed25519PublicKey]] = {}


def _key_owner(key_id: str) -> tuple[int, Ed25519PublicKey] | None:
    """(event id, public key) of the key with this id, if there is one."""
    if key_id not in _public_keys:
        row = db.session.execute(
            select(EventSigningKey.event_id, EventSigningKey.public_key).where(
                EventSigningKey.key_id == key_id
            )
        ).first()
        if row is None:
            return None
        _public_keys[key_id] = (row.event_id, Ed25519PublicKey.from_public_bytes(row.public_key))
    return _public_keys[key_id]


def verify_token(event: Event, token: str) -> TokenCheck:
    try:
        claim, body, signature = read_claim(token)
        owner = _key_owner(claim.key_id)
        if owner is None:
            raise TokenRefused("bad_signature")
        check_signature(owner[1], body, signature)
    except TokenRefused as refused:
        return TokenCheck(refused.code)
    if owner[0] != event.id:
        return TokenCheck("wrong_event")
    registration = db.session.scalar(
        select(Registration).where(
            Registration.public_id == claim.public_id, Registration.event_id == event.id
        )
    )
    if registration is None or claim.revision > registration.badge_revision:
        return TokenCheck("unknown")
    if claim.revision < registration.badge_revision or registration.erased_at is not None:
        return TokenCheck("revoked", registration)  # an erased delegate's badge, whenever made
    if registration.status in ("cancelled", "rejected"):
        return TokenCheck("cancelled", registration)
    if registration.status != "confirmed":
        return TokenCheck("not_confirmed", registration)
    return TokenCheck(None, registration)


def _badge_is_current(registration: Registration, key_id: str) -> bool:
    if not registration.badge_qr:
        return False
    try:
        claim, _body, _signature = read_claim(registration.badge_token)
    except TokenRefused:
        return False
    return claim == BadgeClaim(key_id, registration.public_id, registration.badge_revision)


def prepare_badges(event: Event, registrations: list[Registration]) -> bool:
    """Sign and draw the QR code of each badge whose kept one is not for its current
    revision. Returns whether anything changed (the caller commits)."""
    key = signing_key(event)
    changed = False
    for registration in registrations:
        if not _badge_is_current(registration, key.key_id):
            registration.badge_token = _sign(key, registration)
            registration.badge_qr = qr_drawing(registration.badge_token)
            changed = True
    return changed


def prepare_badge(registration: Registration) -> bool:
    return prepare_badges(registration.event, [registration])


class BadgeNotReissued(Exception):
    """Only a confirmed delegate's badge can be re-issued, a limited number of times."""


def reissue_badge(registration: Registration, staff_user) -> None:
    """A new badge for a lost one: the revision goes up and the old QR is refused."""
    if registration.status != "confirmed" or registration.badge_revision >= MAX_REVISION:
        raise BadgeNotReissued
    db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id)
        .values(badge_revision=Registration.badge_revision + 1, badge_printed_at=None)
    )
    db.session.refresh(registration)
    prepare_badge(registration)
    audit.record(
        registration, "badge_reissued", "staff", staff_user, revision=registration.badge_revision
    )
    db.session.commit()


def mark_printed(registrations: list[Registration]) -> None:
    now = utcnow()
    ids = [registration.id for registration in registrations]
    if ids:
        db.session.execute(
            update(Registration).where(Registration.id.in_(ids)).values(badge_printed_at=now)
        )
    db.session.commit()


def public_key_document(event: Event) -> dict:
    """What a scanner needs to verify this event's badges on its own."""
    key = signing_key(event)
    public = Ed25519PublicKey.from_public_bytes(key.public_key)
    return {
        "event": event.slug,
        "algorithm": "Ed25519",
        "key_id": key.key_id,
        "public_key": base64.urlsafe_b64encode(key.public_key).decode().rstrip("="),
        "public_key_pem": public.public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        "token": {
            "version": TOKEN_VERSION,
            "encoding": "base32 (RFC 4648), upper case, no padding",
            "length": TOKEN_LENGTH,
            "layout": "version:u8 key_id:4 bytes public_id:12 bytes revision:u16 big-endian, "
            "then the Ed25519 signature (64 bytes) of those 19 bytes",
        },
    }


def badge_colour(event: Event, category: str) -> str:
    return event.badge_colours.get(category) or CATEGORY_COLOURS.get(category) or DEFAULT_COLOUR


def badge_content(registration: Registration, photo: bytes | None = None) -> BadgeContent:
    """What the badge shows, labels in the event's own language (everyone at the venue
    reads the badge); call prepare_badge first."""
    event = registration.event
    latin = registration.latin_name
    return BadgeContent(
        event_name=event.title_in(event.default_locale),
        given_name=registration.given_name,
        family_name=registration.family_name,
        latin_name=latin if latin and latin != registration.full_name else "",
        organisation=registration.organisation,
        place=place_name(registration.city, registration.country),
        category=registration.category_label,
        colour=badge_colour(event, registration.category),
        qr=registration.badge_qr,
        photo=photo,
    )


def render_badges(event: Event, registrations: list[Registration]) -> bytes:
    """The badges of these delegates in the event's layout; badges not yet prepared are
    prepared (and kept) on the way."""
    if prepare_badges(event, registrations):
        db.session.commit()
    photos = {}
    if event.badge_shows_photo and registrations:
        photos = dict(
            db.session.execute(
                select(RegistrationPhoto.registration_id, RegistrationPhoto.jpeg).where(
                    RegistrationPhoto.registration_id.in_([r.id for r in registrations])
                )
            ).all()
        )
    with force_locale(event.default_locale):
        contents = [badge_content(r, photos.get(r.id)) for r in registrations]
        title = gettext("Badges: %(event)s", event=event.title_in(event.default_locale))
    return pdf.render_badges(contents, pdf.LAYOUTS[event.badge_layout], title)


def badge_filter(
    event: Event, category: str = "", status: str = "confirmed", not_printed: bool = False
):
    """The delegates whose badges an organiser prints at once, in name order."""
    query = (
        select(Registration)
        .options(undefer(Registration.badge_qr))
        .where(Registration.event_id == event.id, Registration.erased_at.is_(None))
        .order_by(Registration.family_name, Registration.given_name, Registration.id)
    )
    if category:
        query = query.where(Registration.category == category)
    if status:
        query = query.where(Registration.status == status)
    if not_printed:
        query = query.where(Registration.badge_printed_at.is_(None))
    return query
