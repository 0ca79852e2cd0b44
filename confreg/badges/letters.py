"""Rules for the documents a delegate gets besides the badge: visa invitation letters
(approved one by one, verifiable by reference), certificates of attendance, photos."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from confreg import audit
from confreg.badges import documents, photos
from confreg.badges.models import RegistrationPhoto
from confreg.checkin.service import has_checked_in
from confreg.database import utcnow
from confreg.events.models import Event
from confreg.extensions import db
from confreg.i18n import country_name, format_event_dates, place_name, text_direction
from confreg.placeholders import fill, parse
from confreg.registration.models import Registration
from confreg.urls import external_url


class DocumentUnavailable(Exception):
    """The delegate cannot have this document (yet)."""


def letter_locale(registration: Registration) -> str:
    """The delegate's language where the letter exists in it, else the event's."""
    event = registration.event
    wanted = registration.preferred_locale
    if event.visa_letter_text.get(wanted):
        return wanted
    if any(event.visa_letter_text.values()):
        return event.default_locale
    return wanted if wanted in current_app.config["LOCALES"] else event.default_locale


def _letterhead(event: Event) -> documents.Letterhead:
    place = place_name(event.city, event.country)
    lines = [line for line in (event.venue, place, format_event_dates(event)) if line]
    if event.contact_email:
        lines.append(event.contact_email)
    return documents.Letterhead(event.title, lines)


def needs_letter(registration: Registration) -> bool:
    return registration.needs_visa_letter and registration.status == "confirmed"


def approve_visa_letter(registration: Registration, staff_user) -> None:
    if not needs_letter(registration):
        raise DocumentUnavailable
    if registration.visa_letter_reference:
        return
    registration.visa_letter_reference = documents.new_reference()
    registration.visa_letter_approved_at = utcnow()
    audit.record(registration, "visa_letter_approved", "staff", staff_user,
                 reference=registration.visa_letter_reference)  # fmt: skip
    db.session.commit()


def visa_letter_pdf(registration: Registration) -> bytes:
    """The approved letter, in letter_locale()."""
    if not needs_letter(registration) or not registration.visa_letter_reference:
        raise DocumentUnavailable
    event = registration.event
    locale = letter_locale(registration)
    with force_locale(locale):
        body = event.visa_letter_text.get(locale) or documents.default_letter_text()
        values = {
            "passport_name": registration.passport_name,
            "nationality": country_name(registration.nationality),
            "passport_number": registration.passport_number,
            "date_of_birth": documents.format_day(registration.date_of_birth),
            "organisation": registration.organisation or registration.city,
            "event": event.title,
            "dates": format_event_dates(event),
            "venue": event.venue,
            "city": event.city,
            "country": country_name(event.country),
            "reference": registration.visa_letter_reference,
        }
        letter = documents.LetterContent(
            letterhead=_letterhead(event),
            rtl=text_direction(locale) == "rtl",
            issued_on=documents.format_day(registration.visa_letter_approved_at.date()),
            reference=gettext("Reference: %(reference)s", reference=values["reference"]),
            heading=gettext("Visa invitation letter"),
            salutation=gettext("To the consular officer concerned,"),
            body=fill(parse(body, documents.LETTER_PLACEHOLDERS), values),
            signatory=event.visa_letter_signatory or gettext("The organising committee"),
            signatory_title=event.visa_letter_signatory_title or event.title,
            verify_label=gettext(
                "Check this letter at the address below (or scan the code) with its "
                "reference number %(reference)s.",
                reference=values["reference"],
            ),
            verify_url=external_url(
                "badges.verify_letter", slug=event.slug, reference=values["reference"]
            ),
        )
        return documents.render_letter(letter)


def letter_by_reference(event: Event, reference: str) -> Registration | None:
    reference = reference.strip().upper()
    if not documents.REFERENCE.fullmatch(reference):
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.visa_letter_reference == reference
        )
    )


def update_letter_settings(event: Event, texts: dict[str, str], signatory: str, title: str):
    for body in texts.values():
        parse(body, documents.LETTER_PLACEHOLDERS)
    event.visa_letter_text = {code: body for code, body in texts.items() if body}
    event.visa_letter_signatory = signatory
    event.visa_letter_signatory_title = title
    db.session.commit()


def certificate_pdf(registration: Registration) -> bytes:
    """A certificate of attendance, for delegates who were checked in."""
    if registration.status != "confirmed" or not has_checked_in(registration.id):
        raise DocumentUnavailable
    event = registration.event
    locale = registration.preferred_locale
    if locale not in current_app.config["LOCALES"]:
        locale = event.default_locale
    with force_locale(locale):
        place = place_name(event.city, event.country)
        latin = registration.latin_name
        certificate = documents.CertificateContent(
            letterhead=_letterhead(event),
            rtl=text_direction(locale) == "rtl",
            heading=gettext("Certificate of attendance"),
            certifies=gettext("This is to certify that"),
            name=registration.full_name,
            latin_name=latin if latin and latin != registration.full_name else "",
            organisation=registration.organisation,
            place=place_name(registration.city, registration.country),
            attended=gettext(
                "attended %(event)s, held in %(place)s on %(dates)s.",
                event=event.title,
                place=place,
                dates=format_event_dates(event),
            ),
            signatory=event.visa_letter_signatory or gettext("The organising committee"),
            signatory_title=event.visa_letter_signatory_title or event.title,
        )
        return documents.render_certificate(certificate)


def save_photo(registration: Registration, upload: bytes, actor: str = "delegate") -> None:
    """Store the photo as the app re-encodes it; raises photos.PhotoRejected."""
    jpeg, width, height = photos.normalise_photo(upload)
    photo = db.session.get(RegistrationPhoto, registration.id) or RegistrationPhoto(
        registration_id=registration.id
    )
    photo.jpeg, photo.width, photo.height, photo.uploaded_at = jpeg, width, height, utcnow()
    db.session.add(photo)
    audit.record(registration, "photo_uploaded", actor)
    db.session.commit()


def remove_photo(registration: Registration, actor: str = "delegate") -> None:
    photo = db.session.get(RegistrationPhoto, registration.id)
    if photo is not None:
        db.session.delete(photo)
        audit.record(registration, "photo_removed", actor)
        db.session.commit()


def photo_of(registration: Registration) -> RegistrationPhoto | None:
    return db.session.get(RegistrationPhoto, registration.id)


@dataclass(frozen=True)
class DelegateDocuments:
    """What a delegate's personal page offers to download."""

    badge: bool
    #: "" (no letter asked for), "awaiting" (an organiser approves it) or "ready".
    letter: str
    certificate: bool
    photo: bool


def delegate_documents(registration: Registration) -> DelegateDocuments:
    confirmed = registration.status == "confirmed"
    letter = ""
    if needs_letter(registration):
        letter = "ready" if registration.visa_letter_reference else "awaiting"
    return DelegateDocuments(
        badge=confirmed,
        letter=letter,
        certificate=confirmed and has_checked_in(registration.id),
        photo=photo_of(registration) is not None,
    )
