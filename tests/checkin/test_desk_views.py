"""The desk's pages: who sees them, printing a badge on arrival, walk-in registration,
and the organisers' arrivals board and check-in log."""

import csv
import io
import secrets

import pytest
from sqlalchemy import select

from confreg.badges import issue_token
from confreg.checkin.service import Scan, check_in
from confreg.extensions import db
from confreg.registration.models import Registration
from tests.badges.pdf_reading import qr_codes
from tests.conftest import form_fields, log_in, make_event, make_staff, register


@pytest.fixture
def volunteer(client, event):
    make_staff(event, "desk", "desk@staff.example")
    log_in(client, "desk@staff.example")
    return client


def delegate(client, event, **details) -> Registration:
    register(client, event, **details)
    email = details.get("email", "a.karpouchtsis@serres.example")
    return db.session.scalars(select(Registration).where(Registration.email == email)).one()


def test_the_desk_page_is_for_the_events_desk_and_organisers_only(client, event):
    url = f"/desk/{event.slug}/"
    assert client.get(url).status_code == 302  # to the log-in page
    other = make_event(slug="other")
    make_staff(other, "desk", "other@staff.example")
    log_in(client, "other@staff.example")
    assert client.get(url).status_code == 403
    make_staff(event, "organiser", "organiser@staff.example")
    log_in(client, "organiser@staff.example")
    page = client.get(url).get_data(as_text=True)
    assert 'id="scan"' in page and "autofocus" in page


def test_the_desk_page_says_when_the_camera_decoder_is_missing(volunteer, event, monkeypatch):
    from confreg.checkin import views

    monkeypatch.setattr(views, "QR_SCANNER", views.ROOT / "nowhere")
    page = volunteer.get(f"/desk/{event.slug}/").get_data(as_text=True)
    assert "Camera scanning is not installed" in page
    assert volunteer.get("/vendor/qr-scanner/qr-scanner.min.js").status_code == 404


def test_only_the_decoders_own_files_are_served(client):
    assert client.get("/vendor/qr-scanner/package.json").status_code == 404
    assert client.get("/vendor/qr-scanner/..%2F..%2Fconfig.py").status_code == 404


def test_a_badge_printed_at_the_desk_is_recorded(volunteer, event):
    registration = delegate(volunteer, event)
    token = form_fields(volunteer, f"/desk/{event.slug}/")["csrf_token"]
    url = f"/desk/{event.slug}/badges/{registration.public_id}.pdf"
    response = volunteer.post(url, data={"csrf_token": token})
    assert response.mimetype == "application/pdf"
    assert qr_codes(response.data) == [issue_token(registration)]
    db.session.refresh(registration)
    assert registration.badge_printed_at is not None
    assert volunteer.post(url).status_code == 400  # no CSRF token


def test_walk_in_registration_only_when_the_organisers_allow_it(volunteer, event):
    url = f"/desk/{event.slug}/walk-in"
    response = volunteer.get(url)
    assert response.status_code == 303
    assert "not allowed walk-in" in volunteer.get(response.location).get_data(as_text=True)
    event.desk_walk_ins = True
    event.requires_approval = True
    db.session.commit()
    from tests.conftest import delegate_details

    fields = form_fields(volunteer, url) | delegate_details(email="walk.in@example.org")
    response = volunteer.post(url, data=fields)
    assert response.status_code == 303
    page = volunteer.get(response.location).get_data(as_text=True)
    assert "is registered: Confirmed" in page
    registration = db.session.scalars(
        select(Registration).where(Registration.email == "walk.in@example.org")
    ).one()
    assert registration.status == "confirmed"
    answer = check_in(event, Scan(nonce="w1", token=issue_token(registration)), None)
    assert answer.result == "ok"


def test_a_walk_in_form_with_errors_keeps_what_was_typed(volunteer, event):
    event.desk_walk_ins = True
    db.session.commit()
    url = f"/desk/{event.slug}/walk-in"
    from tests.conftest import delegate_details

    fields = form_fields(volunteer, url) | delegate_details(email="broken")
    page = volunteer.post(url, data=fields).get_data(as_text=True)
    assert "Please correct the following" in page
    assert "Καρπουχτσής" in page


# --- the arrivals board ------------------------------------------------------------


@pytest.fixture
def organiser(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    return client


def test_the_board_counts_arrivals_by_category_region_desk_and_quarter_hour(organiser, event):
    first = delegate(organiser, event)
    mayor = delegate(organiser, event, email="mayor@example.org", category="mayor", country="IR")
    delegate(organiser, event, email="late@example.org")
    for registration, desk in ((first, "Hall A"), (mayor, "Hall B")):
        check_in(event, Scan(nonce=secrets.token_hex(4), token=issue_token(registration),
                             desk=desk), None)  # fmt: skip
    check_in(event, Scan(nonce="bad", token="garbage", desk="Hall A"), None)
    page = organiser.get(f"/organiser/{event.slug}/arrivals").get_data(as_text=True)
    assert "2 of 3 confirmed delegates have arrived (67%)" in page
    assert "1 scan was refused." in page
    assert "Hall A" in page and "Hall B" in page
    assert "Europe and North America" in page  # Greece
    assert "Asia and the Pacific" in page  # Iran
    assert '<rect x="32"' in page  # the chart has its bar


def test_the_check_in_log_exports_every_attempt_safely(organiser, event):
    registration = delegate(organiser, event, organisation='=HYPERLINK("http://evil")')
    check_in(event, Scan(nonce="a", token=issue_token(registration), desk="+desk"), None)
    check_in(event, Scan(nonce="b", token="garbage", desk="Hall A"), None)
    response = organiser.get(f"/organiser/{event.slug}/arrivals/checkins.csv")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["When", "Result", "Detail"]
    assert [row[1] for row in rows[1:]] == ["ok", "invalid"]
    assert rows[1][3] == "Αθανάσιος Καρπουχτσής"
    assert rows[1][7] == "'+desk"  # a desk label that would be a formula is neutralised


def test_a_session_list_export_neutralises_formulas(organiser, event):
    from datetime import UTC, datetime

    from confreg.events.enrolment import enrol
    from confreg.events.models import ProgrammeSession

    registration = delegate(organiser, event, organisation="@SUM(A1:A9)")
    start = datetime(2031, 5, 6, 7, tzinfo=UTC)
    session = ProgrammeSession(event=event, title={"en": "Opening"}, starts_at=start,
                               ends_at=start)  # fmt: skip
    db.session.add(session)
    db.session.commit()
    enrol(registration, session)
    text = organiser.get(f"/organiser/{event.slug}/sessions/{session.id}/delegates.csv")
    rows = list(csv.reader(io.StringIO(text.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][5] == "'@SUM(A1:A9)"
