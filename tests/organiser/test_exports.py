"""Exports of delegates, session seats and check-ins: chosen columns, CSV and XLSX,
formulas neutralised, passport details only when chosen, 10,000 rows in flat memory."""

import csv
import io
import re
import tracemalloc
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from confreg.audit import AuditEntry
from confreg.checkin.service import Scan, check_in
from confreg.events.enrolment import enrol
from confreg.events.models import ProgrammeSession
from confreg.extensions import db
from confreg.organiser import exports
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.registration.models import Registration
from tests.conftest import form_fields, log_in, make_staff, register


@pytest.fixture
def organiser(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    return client


def download(client, event, kind="delegates", format="csv", columns=(), **filters):
    url = f"/organiser/{event.slug}/exports?kind={kind}"
    token = {"csrf_token": form_fields(client, url)["csrf_token"]}
    data = token | {"format": format, "columns": list(columns)} | filters
    return client.post(url, data=data)


def column_box(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*value="{name}"[^>]*>', page).group(0)


def csv_rows(answer) -> list[list[str]]:
    return list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))


def test_chosen_columns_in_csv_with_formulas_neutralised(organiser, event):
    register(organiser, event, organisation="=HYPERLINK(\"http://evil.example\")",
             city="+Serres", job_title="@SUM(A1)")  # fmt: skip
    answer = download(organiser, event, columns=["given_name", "organisation", "city", "email"])
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = csv_rows(answer)
    assert rows[0] == ["Given name", "E-mail address", "Organisation", "City"]  # the page's order
    assert rows[1] == [
        "Αθανάσιος", "a.karpouchtsis@serres.example", "'=HYPERLINK(\"http://evil.example\")",
        "'+Serres",
    ]  # fmt: skip


def test_xlsx_keeps_types_and_neutralises_formulas(organiser, event):
    register(organiser, event, organisation="-1+2", needs_visa_letter="y",
             passport_name="KARPOUCHTSIS ATHANASIOS", nationality="GR",
             passport_number="AE1234567", date_of_birth="1970-03-04")  # fmt: skip
    chosen = ["given_name", "organisation", "created_at", "date_of_birth"]
    answer = download(organiser, event, format="xlsx", columns=chosen)
    assert answer.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(answer.get_data())).active
    header, row = list(sheet.values)
    assert header == ("Given name", "Organisation", "Registered", "Date of birth")
    assert row[1] == "'-1+2"  # text, not a formula
    assert isinstance(row[2], datetime)  # in the event's zone, as a spreadsheet date
    assert row[3].date() == date(1970, 3, 4)


def test_passport_details_only_when_chosen_and_every_export_is_recorded(organiser, event):
    register(organiser, event, needs_visa_letter="y", passport_name="KARPOUCHTSIS ATHANASIOS",
             nationality="GR", passport_number="AE1234567", date_of_birth="1970-03-04")  # fmt: skip
    page = organiser.get(f"/organiser/{event.slug}/exports").get_data(as_text=True)
    assert "checked" not in column_box(page, "passport_number")
    assert "checked" in column_box(page, "given_name")
    defaults = download(organiser, event, columns=exports.default_columns("delegates"))
    assert "AE1234567" not in defaults.get_data(as_text=True)
    chosen = download(organiser, event, columns=["given_name", "passport_number"])
    assert csv_rows(chosen)[1] == ["Αθανάσιος", "AE1234567"]
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "list_exported").order_by(AuditEntry.id)
    ).all()
    assert [entry.details["columns"] for entry in entries][-1] == ["given_name", "passport_number"]
    assert entries[-1].staff_user.email == "organiser@staff.example"


def test_no_column_chosen_is_a_clear_error(organiser, event):
    answer = download(organiser, event, columns=[])
    assert answer.status_code == 400
    assert "Choose at least one column." in answer.get_data(as_text=True)


def test_the_filters_choose_the_rows_of_every_kind(organiser, event):
    register(organiser, event)
    register(organiser, event, given_name="Ayşe", family_name="Yılmaz", email="ayse@bursa.example",
             country="TR", latin_given_name="", latin_family_name="")  # fmt: skip
    ayse = db.session.scalar(select(Registration).where(Registration.country == "TR"))
    session = ProgrammeSession(
        event=event, title={"en": "Regional session: Europe"},
        starts_at=datetime(2031, 5, 6, 9, tzinfo=UTC), ends_at=datetime(2031, 5, 6, 10, tzinfo=UTC),
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    for registration in db.session.scalars(select(Registration)).all():
        enrol(registration, session)
        check_in(event, Scan(nonce=f"n-{registration.id}", public_id=registration.public_id), None)
    delegates = csv_rows(download(organiser, event, columns=["family_name"], country="TR"))
    assert delegates == [["Family name"], ["Yılmaz"]]
    seats = csv_rows(download(organiser, event, "enrolments", columns=["session", "seat", "email"],
                              country="TR"))  # fmt: skip
    assert seats[1:] == [["Regional session: Europe", "Seated", "ayse@bursa.example"]]
    arrivals = csv_rows(download(organiser, event, "checkins", columns=["where", "result",
                                 "public_id"], selected=[ayse.public_id]))  # fmt: skip
    assert arrivals[1:] == [["Event entrance", "ok", ayse.public_id]]


def test_ten_thousand_rows_stream_in_flat_memory(app, event):
    now = datetime.now(UTC)
    db.session.execute(
        insert(Registration),
        [
            dict(event_id=event.id, public_id=f"p{number:08d}", status="confirmed",
                 given_name=f"Delegate {number}", email=f"d{number}@example.org",
                 email_key=f"d{number}@example.org", category="expert_speaker", country="SI",
                 preferred_locale="en", privacy_consent_at=now, organisation="=1+1")
            for number in range(10_000)
        ],
    )  # fmt: skip
    db.session.commit()
    chosen = exports.default_columns("delegates")
    rows = exports.export_rows(event, "delegates", chosen, DelegateFilter())
    tracemalloc.start()
    count = sum(1 for _ in rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 10_000
    # the whole list held at once takes about 40 MB; batches stay small
    assert peak < 10_000_000
