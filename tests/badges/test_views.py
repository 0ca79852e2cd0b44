"""Badges, photos, visa letters and certificates through the app, as delegates and
organisers use them."""

import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import select

from confreg.audit import AuditEntry
from confreg.badges import verify_token
from confreg.badges.models import RegistrationPhoto
from confreg.badges.qr import qr_version
from confreg.checkin.models import CheckIn
from confreg.extensions import db
from confreg.registration.links import manage_token
from confreg.registration.models import Registration
from tests.badges.pdf_reading import page_text, pages, qr_codes
from tests.conftest import form_fields, log_in, make_event, make_staff, register


def jpeg_bytes(width: int, height: int, exif: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    out = io.BytesIO()
    extra = {}
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCam"  # Make
        info[0x0112] = 6  # Orientation: rotated
        extra["exif"] = info.tobytes()
    image.save(out, "JPEG", **extra)
    return out.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A tiny file that claims an enormous picture (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def delegate(client, event, **details) -> tuple[Registration, str]:
    register(client, event, **details)
    email = details.get("email", "a.karpouchtsis@serres.example")
    registration = db.session.scalars(select(Registration).where(Registration.email == email)).one()
    return registration, f"/e/{event.slug}/manage/{manage_token(registration)}"


VISA = dict(
    needs_visa_letter="y",
    passport_name="KARPOUCHTSIS ATHANASIOS",
    nationality="GR",
    passport_number="AE1234567",
    date_of_birth="1975-03-14",
)


# --- the delegate's badge ------------------------------------------------------------


def test_a_confirmed_delegate_downloads_a_badge_whose_code_the_desk_accepts(client, event):
    registration, manage = delegate(client, event)
    page = client.get(manage).get_data(as_text=True)
    assert "Download my badge (PDF)" in page
    response = client.get(f"{manage}/badge.pdf")
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    codes = qr_codes(response.data)
    assert len(codes) == 1
    check = verify_token(event, codes[0])
    assert check.accepted and check.registration.id == registration.id
    assert "Αθανάσιος" in page_text(response.data)


def test_a_delegate_awaiting_approval_gets_no_badge_yet(client, app):
    event = make_event(requires_approval=True)
    _registration, manage = delegate(client, event)
    response = client.get(f"{manage}/badge.pdf")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Your badge is ready once your registration is confirmed." in page


def test_the_badge_code_is_computed_once_when_the_delegate_is_confirmed(client, event):
    registration, _manage = delegate(client, event)
    assert qr_version(registration.badge_qr) == 6
    assert verify_token(event, registration.badge_token).accepted


# --- organisers print and re-issue ---------------------------------------------------


@pytest.fixture
def organiser(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    return client


def print_badges(client, event, **fields):
    token = form_fields(client, f"/organiser/{event.slug}/badges")["csrf_token"]
    return client.post(f"/organiser/{event.slug}/badges/print", data={"csrf_token": token} | fields)


def test_organisers_print_the_badges_a_filter_finds_and_they_are_recorded(organiser, event):
    register(organiser, event)
    register(organiser, event, email="mayor@serres.example", category="mayor", given_name="Maria")
    page = organiser.get(f"/organiser/{event.slug}/badges?category=mayor&status=confirmed")
    assert "1 delegate found." in page.get_data(as_text=True)
    response = print_badges(organiser, event, category="mayor", status="confirmed")
    assert response.mimetype == "application/pdf"
    assert len(pages(response.data)) == 1
    assert "Maria" in page_text(response.data)
    printed = db.session.scalars(select(Registration).where(Registration.category == "mayor"))
    assert printed.one().badge_printed_at is not None
    # Printing what is not printed yet now gives only the other badge.
    response = print_badges(organiser, event, status="confirmed", not_printed="y")
    assert len(pages(response.data)) == 1
    assert "Αθανάσιος" in page_text(response.data)


def test_organisers_print_a_chosen_selection(organiser, event):
    register(organiser, event)
    register(organiser, event, email="b@serres.example", given_name="Maria")
    chosen = db.session.scalars(select(Registration).where(Registration.given_name == "Maria"))
    response = print_badges(organiser, event, status="confirmed", public_id=chosen.one().public_id)
    assert len(pages(response.data)) == 1
    assert "Maria" in page_text(response.data)


def test_printing_nothing_says_so(organiser, event):
    response = print_badges(organiser, event, category="press")
    assert response.status_code == 303
    assert "No badge to print" in organiser.get(response.location).get_data(as_text=True)


def test_a_reissued_badge_refuses_the_lost_one_at_the_desk(organiser, event):
    registration, manage = delegate(organiser, event)
    old = qr_codes(organiser.get(f"{manage}/badge.pdf").data)[0]
    url = f"/organiser/{event.slug}/delegates/{registration.public_id}"
    token = form_fields(organiser, url)["csrf_token"]
    response = organiser.post(f"{url}/badge/reissue", data={"csrf_token": token})
    assert "Badge re-issued (version 2)" in organiser.get(response.location).get_data(as_text=True)
    assert verify_token(event, old).refusal == "revoked"
    new = qr_codes(organiser.get(f"{manage}/badge.pdf").data)[0]
    assert new != old and verify_token(event, new).accepted
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "badge_reissued" in actions


def test_badge_settings_choose_the_layout_and_colours(organiser, event):
    url = f"/organiser/{event.slug}/badges/settings"
    fields = form_fields(organiser, url) | {"layout": "a4x4", "colour_mayor": "#112233"}
    response = organiser.post(url, data=fields)
    assert response.status_code == 303
    db.session.refresh(event)
    assert event.badge_layout == "a4x4"
    assert event.badge_colours["mayor"] == "#112233"


def test_badge_settings_refuse_a_bad_colour_and_change_nothing(organiser, event):
    url = f"/organiser/{event.slug}/badges/settings"
    bad = {"layout": "nope", "colour_mayor": "red"}
    response = organiser.post(url, data=form_fields(organiser, url) | bad)
    page = response.get_data(as_text=True)
    assert "Choose a layout from the list." in page
    assert "six hexadecimal digits" in page
    db.session.refresh(event)
    assert event.badge_layout == "a6"


# --- photos ------------------------------------------------------------------------


def upload(client, manage, data: bytes, name="me.jpg"):
    token = form_fields(client, manage)["csrf_token"]
    return client.post(
        f"{manage}/photo",
        data={"csrf_token": token, "photo": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_photo_is_stored_re_encoded_without_its_metadata(client, event):
    registration, manage = delegate(client, event)
    response = upload(client, manage, jpeg_bytes(1200, 1600, exif=True))
    assert "Your photo is saved." in client.get(response.location).get_data(as_text=True)
    stored = db.session.get(RegistrationPhoto, registration.id)
    image = Image.open(io.BytesIO(stored.jpeg))
    assert (image.format, image.size) == ("JPEG", (450, 600))
    assert b"SecretCam" not in stored.jpeg
    assert client.get(f"{manage}/photo.jpg").data == stored.jpeg


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not a photo", "not a JPEG or PNG picture"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "not a JPEG or PNG picture"),
        (jpeg_bytes(100, 100), "too small to print"),
        (huge_png(20_000, 20_000), "too many pixels"),
        (b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10), "larger than 5 MB"),
    ],
    ids=["gif", "broken", "tiny", "bomb", "oversized"],
)
def test_a_bad_photo_is_refused_with_a_reason_and_the_old_one_kept(client, event, data, message):
    registration, manage = delegate(client, event)
    upload(client, manage, jpeg_bytes(600, 800))
    kept = db.session.get(RegistrationPhoto, registration.id).jpeg
    response = upload(client, manage, data)
    assert message in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RegistrationPhoto, registration.id).jpeg == kept


def test_the_photo_is_on_the_badge_when_the_event_says_so(client, event):
    event.badge_shows_photo = True
    db.session.commit()
    _registration, manage = delegate(client, event)
    upload(client, manage, jpeg_bytes(600, 800))
    body = client.get(f"{manage}/badge.pdf").data
    assert "/XObject" in pages(body)[0]["/Resources"]
    assert len(qr_codes(body)) == 1


# --- visa letters ------------------------------------------------------------------


def test_a_visa_letter_is_approved_then_downloaded_and_verifiable(organiser, event):
    registration, manage = delegate(organiser, event, **VISA)
    assert "not ready yet" in organiser.get(manage).get_data(as_text=True)
    letters_page = f"/organiser/{event.slug}/visa-letters"
    token = form_fields(organiser, letters_page)["csrf_token"]
    organiser.post(f"{letters_page}/{registration.public_id}/approve", data={"csrf_token": token})
    db.session.refresh(registration)
    reference = registration.visa_letter_reference
    assert reference.startswith("VL-")
    body = organiser.get(f"{manage}/visa-letter.pdf").data
    letter = " ".join(page_text(body).split())
    for expected in ("KARPOUCHTSIS ATHANASIOS", "AE1234567", "Greece", reference,
                     "May 6", "Cankarjev dom", "March 14, 1975"):  # fmt: skip
        assert expected in letter, expected
    verify_url = [code for code in qr_codes(body) if "/letters/verify" in code]
    assert verify_url == [
        f"http://confreg.test/e/{event.slug}/letters/verify?reference={reference}"
    ]
    page = organiser.get(f"/e/{event.slug}/letters/verify?reference={reference.lower()}")
    assert "This letter is genuine and valid." in page.get_data(as_text=True)
    assert "AE1234567" not in page.get_data(as_text=True)


def test_an_unknown_or_withdrawn_letter_is_not_valid(organiser, event):
    registration, _manage = delegate(organiser, event, **VISA)
    from confreg.badges import letters
    from confreg.registration import service

    letters.approve_visa_letter(registration, None)
    page = organiser.get(f"/e/{event.slug}/letters/verify?reference=VL-AAAA-BBBB-CCCC")
    assert "No letter of this event has this reference number" in page.get_data(as_text=True)
    service.cancel(registration)
    url = f"/e/{event.slug}/letters/verify?reference={registration.visa_letter_reference}"
    assert "no longer valid" in organiser.get(url).get_data(as_text=True)


def test_a_letter_whose_details_were_erased_is_not_called_valid(organiser, event):
    from datetime import date

    from confreg.badges import letters
    from confreg.registration import privacy

    registration, _manage = delegate(organiser, event, **VISA)
    letters.approve_visa_letter(registration, None)
    event.passport_retention_until = event.ends_on
    db.session.commit()
    privacy.erase_expired_passports(date(2031, 6, 1))
    url = f"/e/{event.slug}/letters/verify?reference={registration.visa_letter_reference}"
    page = organiser.get(url).get_data(as_text=True)
    assert "genuine and valid" not in page
    assert "the details it cites are no longer kept" in page


@pytest.mark.parametrize("reference", ["%00", "VL-AAAA", "x" * 300, "VL-%00AAA-BBBB-CCCC"])
def test_a_strange_reference_is_simply_not_found(client, event, reference):
    page = client.get(f"/e/{event.slug}/letters/verify?reference={reference}")
    assert page.status_code == 200
    assert "No letter of this event has this reference number" in page.get_data(as_text=True)


def test_the_letter_is_in_the_delegates_language(organiser, event):
    registration, manage = delegate(organiser, event, preferred_locale="es", **VISA)
    from confreg.badges import letters

    letters.approve_visa_letter(registration, None)
    letter = " ".join(page_text(organiser.get(f"{manage}/visa-letter.pdf").data).split())
    assert "Carta de invitación" in letter
    assert "AE1234567" in letter


def test_an_organisers_letter_text_fills_its_placeholders(organiser, event):
    url = f"/organiser/{event.slug}/visa-letters/text"
    body = "We invite {passport_name} ({passport_number}) to {event}. Ref {reference}."
    fields = {"text_en": body, "signatory": "Dr. Jana Novak", "signatory_title": "Chair"}
    response = organiser.post(url, data=form_fields(organiser, url) | fields)
    assert response.status_code == 303
    registration, manage = delegate(organiser, event, **VISA)
    from confreg.badges import letters

    letters.approve_visa_letter(registration, None)
    letter = " ".join(page_text(organiser.get(f"{manage}/visa-letter.pdf").data).split())
    assert "We invite KARPOUCHTSIS ATHANASIOS (AE1234567) to Learning Cities" in letter
    assert "Dr. Jana Novak" in letter


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Dear {first_name}", "{first_name} is not one of the placeholders"),
        ("Costs {", "Every { needs"),
        # str.format would act on these, and fail or leak, when the letter is made
        ("In {city!x}", "{city!x} is not one of the placeholders"),
        ("In {city.__class__}", "{city.__class__} is not one of the placeholders"),
    ],
)
def test_a_letter_text_with_an_unknown_placeholder_is_refused(organiser, event, body, message):
    url = f"/organiser/{event.slug}/visa-letters/text"
    response = organiser.post(url, data=form_fields(organiser, url) | {"text_en": body})
    assert message in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.visa_letter_text == {}


def test_no_letter_for_a_delegate_who_did_not_ask(organiser, event):
    registration, manage = delegate(organiser, event)
    url = f"/organiser/{event.slug}/visa-letters/{registration.public_id}/approve"
    token = form_fields(organiser, f"/organiser/{event.slug}/visa-letters")["csrf_token"]
    response = organiser.post(url, data={"csrf_token": token})
    assert "asked for a visa letter" in organiser.get(response.location).get_data(as_text=True)
    assert organiser.get(f"{manage}/visa-letter.pdf").status_code == 303


# --- certificate -------------------------------------------------------------------


def test_the_certificate_is_offered_once_the_delegate_was_checked_in(client, event):
    registration, manage = delegate(client, event)
    assert "certificate of attendance" not in client.get(manage).get_data(as_text=True)
    assert client.get(f"{manage}/certificate.pdf").status_code == 303
    db.session.add(
        CheckIn(event_id=event.id, registration_id=registration.id, nonce="n-1", result="ok")
    )
    db.session.commit()
    assert "certificate of attendance" in client.get(manage).get_data(as_text=True)
    body = client.get(f"{manage}/certificate.pdf").data
    certificate = " ".join(page_text(body).split())
    assert "Certificate of attendance" in certificate
    assert "Athanasios Karpouchtsis" in certificate


def test_an_undone_check_in_gives_no_certificate(client, event):
    from confreg.database import utcnow

    registration, manage = delegate(client, event)
    db.session.add(CheckIn(event_id=event.id, registration_id=registration.id, nonce="n-2",
                           result="ok", undone_at=utcnow()))  # fmt: skip
    db.session.commit()
    assert client.get(f"{manage}/certificate.pdf").status_code == 303


def test_the_cli_renders_every_confirmed_badge(app, client, event, tmp_path):
    register(client, event)
    register(client, event, email="b@serres.example", given_name="Maria")
    output = tmp_path / "badges.pdf"
    result = app.test_cli_runner().invoke(
        args=["confreg", "badges", event.slug, "--output", str(output)]
    )
    assert "2 badge(s) written" in result.output, result.output
    body = output.read_bytes()
    assert len(pages(body)) == 2
    assert len(qr_codes(body, 1)) == 1
    unknown = app.test_cli_runner().invoke(
        args=["confreg", "badges", "nope", "--output", str(output)]
    )
    assert unknown.exit_code != 0 and "no event" in unknown.output


def test_a_crash_while_rendering_many_badges_loses_nothing(app, organiser, event, tmp_path,
                                                           monkeypatch):  # fmt: skip
    from confreg.badges import service

    for number in range(3):
        register(organiser, event, email=f"d{number}@serres.example", given_name=f"D{number}")
    output = tmp_path / "badges.pdf"
    output.write_bytes(b"%PDF- the last good run")
    drawn = []
    real_content = service.badge_content

    def content_then_crash(registration, photo):
        drawn.append(registration.id)
        if len(drawn) % 2 == 0:  # the second badge of every run
            raise MemoryError("the printer's server ran out of memory")
        return real_content(registration, photo)

    monkeypatch.setattr(service, "badge_content", content_then_crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        assert print_badges(organiser, event, status="confirmed").status_code == 500
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    result = app.test_cli_runner().invoke(
        args=["confreg", "badges", event.slug, "--output", str(output)]
    )
    assert result.exit_code != 0
    assert output.read_bytes() == b"%PDF- the last good run"  # the previous file is whole
    registrations = db.session.scalars(select(Registration)).all()
    assert all(r.badge_printed_at is None for r in registrations)  # none recorded as printed
    tokens = {r.id: r.badge_token for r in registrations}

    monkeypatch.setattr(service, "badge_content", real_content)
    result = app.test_cli_runner().invoke(
        args=["confreg", "badges", event.slug, "--output", str(output), "--not-printed"]
    )
    assert "3 badge(s) written" in result.output
    assert len(pages(output.read_bytes())) == 3
    db.session.expire_all()
    assert {r.id: r.badge_token for r in db.session.scalars(select(Registration))} == tokens
