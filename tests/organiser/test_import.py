"""Importing delegate lists (CSV in several encodings, XLSX) as registrations or as
invitations: reading, column mapping, every invalid row explained, all or nothing,
capacity, the e-mails, the invitation link that locks the address, and who may do it."""

import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from confreg.audit import AuditEntry
from confreg.extensions import db
from confreg.mail import OutboxMessage
from confreg.names import search_terms
from confreg.organiser import delegate_files, import_views, imports
from confreg.organiser.models import DelegateImport
from confreg.registration.models import Invitation, Registration
from tests.conftest import (
    delegate_details,
    form_fields,
    log_in,
    make_event,
    make_staff,
    register,
)

HEADINGS = ["Given name", "Family name", "E-mail", "Category", "Organisation", "City", "Country"]
ROWS = [
    ["Αθανάσιος", "Καρπουχτσής", "a.karpouchtsis@serres.example", "city_official",
     "Δήμος Σερρών", "Serres", "GR"],
    ["Ayşe", "Yılmaz", "ayse@balikesir.example", "Mayor", "Balıkesir Belediyesi",
     "Balıkesir", "Turkey"],
]  # fmt: skip
CYRILLIC = [
    ["Олена", "Коваленко", "olena@melitopol.example", "Deputy mayor",
     "Мелітопольська міська рада", "Мелітополь", "UA"],
    ["Дмитрий", "Иванов", "d.ivanov@kazan.example", "expert_speaker", "Казанский университет",
     "Казань", "Russian Federation"],
]  # fmt: skip
PERSIAN = [
    ["مریم", "احمدی", "maryam@isfahan.example", "city_official", "شهرداری اصفهان",
     "اصفهان", "IR"],
    ["علی", "رضایی", "ali@shiraz.example", "ngo", "انجمن یادگیری", "شیراز", "Iran"],
]  # fmt: skip


def csv_file(rows, headings=HEADINGS, encoding="utf-8", delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_file(rows, headings=HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def organiser(event):
    return make_staff(event, "organiser", "organiser@staff.example")


def uploaded(event, content: bytes, mode="register", encoding="", filename="delegates.csv"):
    return imports.upload(event, filename, content, mode, encoding, organiser(event))


def checked(event, delegate_import) -> imports.Preview:
    return imports.preview(event, delegate_import)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def problems_of(preview) -> list[tuple[int, str, str]]:
    return [
        (row.number, problem.column, problem.message)
        for row in preview.invalid_rows
        for problem in row.problems
    ]


# --- reading files -----------------------------------------------------------------


def test_utf8_with_byte_order_mark_and_semicolons_reads_clean_headings(app):
    table = delegate_files.read_table(csv_file(ROWS, encoding="utf-8-sig", delimiter=";"))
    assert table.headings == HEADINGS  # no byte-order mark left on "Given name"
    assert table.encoding == "utf-8-sig"
    assert [cells[0] for _number, cells in table.rows] == ["Αθανάσιος", "Ayşe"]


def test_windows_1251_file_asks_for_its_encoding_then_reads_cyrillic(app):
    content = csv_file(CYRILLIC, encoding="windows-1251", delimiter=";")
    with pytest.raises(delegate_files.ImportRefused) as refused:
        delegate_files.read_table(content)
    assert refused.value.code == "encoding"
    assert "not in UTF-8" in refused.value.message
    table = delegate_files.read_table(content, "windows-1251")
    assert table.encoding == "windows-1251"
    assert table.rows[0][1][:2] == ["Олена", "Коваленко"]


def test_a_utf8_file_stays_utf8_whatever_encoding_is_chosen(app):
    table = delegate_files.read_table(csv_file(CYRILLIC), "windows-1252")
    assert table.encoding == "utf-8"
    assert table.rows[1][1][0] == "Дмитрий"


def test_persian_windows_1256_file_is_found_by_a_search_in_persian_letters(app):
    # Windows' Arabic code page has no Persian yeh: such files carry the Arabic one.
    rows = [[cell.replace("ی", "ي") for cell in row] for row in PERSIAN]
    content = csv_file(rows, encoding="windows-1256")
    event = make_event()
    delegate_import = uploaded(event, content, encoding="windows-1256")
    assert delegate_import.encoding == "windows-1256"
    imports.import_delegates(event, delegate_import, organiser(event))
    maryam = db.session.scalars(select(Registration).order_by(Registration.id)).first()
    assert (maryam.given_name, maryam.city) == ("مريم", "اصفهان")
    assert all(term in maryam.search_text for term in search_terms("مریم احمدی"))


def test_quoted_headings_do_not_mislead_the_delimiter_and_folders_leave_the_filename(app):
    event = make_event()
    content = (
        '"Name, given";"E-mail";"Language"\r\n"Олена";"olena@melitopol.example";"Русский"\r\n'
    ).encode()
    delegate_import = uploaded(event, content, mode="invite",
                               filename="C:\\Users\\me\\Desktop\\guests\u202e.csv")  # fmt: skip
    assert delegate_import.filename == "guests.csv"
    table = imports.table_of(delegate_import)
    assert table.headings == ["Name, given", "E-mail", "Language"]
    preview = checked(event, delegate_import)
    assert preview.rows[0].values["preferred_locale"] == "ru"


def test_utf16_with_byte_order_mark_and_tabs_as_spreadsheets_save_unicode_text(app):
    table = delegate_files.read_table(csv_file(PERSIAN, encoding="utf-16", delimiter="\t"))
    assert table.headings == HEADINGS
    assert table.rows[0][1][:2] == ["مریم", "احمدی"]


def test_xlsx_first_sheet_with_typed_cells_and_row_numbers_as_the_sheet_shows(app):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Given name", "E-mail", "Job title", "Dietary needs"])
    sheet.append(["Олена", "olena@melitopol.example", 42, datetime(2031, 5, 6)])
    sheet.append([])  # a blank row is skipped, and later rows keep their numbers
    sheet.append(["Ali", "ali@shiraz.example", 2.5, None])
    workbook.create_sheet("Ignored").append(["Other", "sheet"])
    out = io.BytesIO()
    workbook.save(out)
    table = delegate_files.read_table(out.getvalue())
    assert table.headings == ["Given name", "E-mail", "Job title", "Dietary needs"]
    assert [number for number, _cells in table.rows] == [2, 4]
    texts = [[delegate_files.cell_text(cell) for cell in cells] for _number, cells in table.rows]
    assert texts[0] == ["Олена", "olena@melitopol.example", "42", "2031-05-06"]
    assert texts[1][2] == "2.5"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        ("\ufeff".encode(), "empty"),
        (b"Given name,E-mail\r\n", "no_rows"),
        (b",,\r\n,,\r\n", "empty"),
        (b"Maria,maria@example.org\r\nJohn,john@example.org\r\n", "no_header"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "wrong_type"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "wrong_type"),
        (b"Given name\x00E-mail\x00", "wrong_type"),
        (b"PK\x03\x04 not really a zip", "wrong_type"),
        (b"Name,Name\r\nMaria,Maria\r\n", "duplicate_heading"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(app, content, code):
    with pytest.raises(delegate_files.ImportRefused) as refused:
        delegate_files.read_table(content)
    assert refused.value.code == code
    assert refused.value.message


def test_a_zip_that_is_not_a_workbook_is_refused(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(delegate_files.ImportRefused) as refused:
        delegate_files.read_table(out.getvalue())
    assert refused.value.code == "wrong_type"


def test_size_and_row_limits(app, monkeypatch):
    monkeypatch.setattr(delegate_files, "MAX_ROWS", 3)
    with pytest.raises(delegate_files.ImportRefused) as refused:
        delegate_files.read_table(csv_file(ROWS * 2))
    assert refused.value.code == "too_many_rows"
    assert "more than 3" in refused.value.message
    assert len(delegate_files.read_table(csv_file(ROWS + ROWS[:1])).rows) == 3
    monkeypatch.setattr(delegate_files, "MAX_FILE_BYTES", 100)
    with pytest.raises(delegate_files.ImportRefused) as refused:
        delegate_files.read_table(csv_file(ROWS))
    assert refused.value.code == "too_large"


def test_mapping_is_guessed_from_english_headings_and_synonyms(app):
    headings = ["FIRST NAME", "Surname", "E-Mail Address", "Organization", "Country code",
                "Town", "Language", "Notes", "Given name (Latin)"]  # fmt: skip
    assert imports.guess_mapping(headings, "register") == {
        "given_name": "FIRST NAME",
        "family_name": "Surname",
        "latin_given_name": "Given name (Latin)",
        "email": "E-Mail Address",
        "organisation": "Organization",
        "city": "Town",
        "country": "Country code",
        "preferred_locale": "Language",
    }
    # An invitation keeps only names, address, category and language.
    assert set(imports.guess_mapping(headings, "invite")) == {
        "given_name", "family_name", "email", "preferred_locale"
    }  # fmt: skip


# --- checking rows -----------------------------------------------------------------


def test_every_invalid_row_is_explained_with_its_row_and_column(app, client):
    event = make_event()
    register(client, event, email="taken@city.example")
    rows = [
        ROWS[0],
        ["", "Nobody", "nobody@city.example", "mayor", "City", "Town", "GR"],  # row 3
        ["Ana", "Bad", "not-an-address", "minister", "City", "Town", "Atlantis"],  # row 4
        ["Ana", "Twice", "A.Karpouchtsis@serres.example", "mayor", "City", "Town", "GR"],
        ["Ana", "Taken", "taken@city.example", "mayor", "City", "Town", "GR"],  # row 6
        ["x" * 101, "Long", "long@city.example", "mayor", "", "Town", "GR"],  # row 7
    ]
    preview = checked(event, uploaded(event, csv_file(rows)))
    assert [row.number for row in preview.valid_rows] == [2]
    assert not preview.importable
    assert problems_of(preview) == [
        (3, "Given name", "This cell is empty; fill it in."),
        (4, "E-mail", "not-an-address is not a valid e-mail address."),
        (4, "Category", "minister is not a category. Use one of: mayor, deputy_mayor, "
         "city_official, expert_speaker, international_organisation, ngo, private_sector, "
         "press, unesco_staff, other."),
        (4, "Country", "Atlantis is not a country. Use its two-letter code (such as GR) "
         "or its English name."),
        (5, "E-mail", "The same e-mail address is in row 2."),
        (6, "E-mail", "A delegate with this e-mail address is registered already."),
        (7, "Given name", "Use at most 100 characters (this cell has 101)."),
        (7, "Organisation", "This cell is empty; fill it in."),
    ]  # fmt: skip


def test_latin_columns_control_characters_and_categories_countries_languages(app):
    event = make_event()
    headings = [*HEADINGS, "Given name in Latin letters", "Language"]
    rows = [
        ["Олена", "К", "o@x.example", "Deputy Mayor", "Org", "Kyiv", "ukraine", "Олена", "uk"],
        ["Ana", "B", "a@x.example", "deputy_mayor", "Org", "Lisbon", "prt", "", "Português"],
        ["Jo", "C", "j@x.example", "International organisation", "Org", "Paris", "fr", "",
         "fr-CA"],
        ["Mo", "D", "m@x.example", "NGO", "Org", "Berlin", "Germany", "", "German"],
        ["Li", "E", "l@x.example", "press", "Org\u202e", "Beijing", "CN", "", ""],
    ]  # fmt: skip
    preview = checked(event, uploaded(event, csv_file(rows, headings)))
    values = {row.number: row.values for row in preview.rows}
    assert (values[2]["category"], values[2]["country"]) == ("deputy_mayor", "UA")
    assert (values[3]["category"], values[3]["country"]) == ("deputy_mayor", "PT")
    assert values[4]["category"] == "international_organisation"
    assert values[3]["preferred_locale"] == "en"  # Portuguese is not offered: the default
    assert values[4]["preferred_locale"] == "fr"
    assert values[5]["preferred_locale"] == "en"
    assert values[6]["preferred_locale"] == "en"
    assert problems_of(preview) == [
        (2, "Given name in Latin letters", "Use Latin letters only (accents are fine)."),
        (6, "Organisation", "Remove the invisible control characters from this cell."),
    ]


def test_a_file_without_a_needed_column_is_sent_back_to_the_mapping(app):
    event = make_event()
    delegate_import = uploaded(event, csv_file([r[:3] for r in ROWS], HEADINGS[:3]))
    table = imports.table_of(delegate_import)
    assert imports.missing_fields(delegate_import.mapping, "register", table.headings) == [
        "category", "organisation", "city", "country"
    ]  # fmt: skip
    assert imports.missing_fields(imports.guess_mapping(table.headings, "invite"), "invite",
                                  table.headings) == []  # fmt: skip


# --- importing ---------------------------------------------------------------------


def test_import_registers_confirmed_delegates_as_online_registration_does(app):
    event = make_event(requires_approval=True)
    staff = organiser(event)
    delegate_import = uploaded(event, csv_file(PERSIAN + CYRILLIC, encoding="utf-8"))
    assert imports.import_delegates(event, delegate_import, staff) == 4
    registrations = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert [r.status for r in registrations] == ["confirmed"] * 4
    maryam = registrations[0]
    assert (maryam.given_name, maryam.family_name, maryam.city) == ("مریم", "احمدی", "اصفهان")
    assert (maryam.country, maryam.category, maryam.preferred_locale) == (
        "IR",
        "city_official",
        "en",
    )
    assert registrations[3].country == "RU"
    assert len({r.public_id for r in registrations}) == 4
    assert "maryam@isfahan.example" in maryam.search_text
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.registration_id == maryam.id))
    assert [(e.action, e.actor, e.staff_user_id, e.details) for e in entries] == [
        ("imported", "staff", staff.id, {"file": "delegates.csv"})
    ]
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "maryam@isfahan.example")
    ).one()
    assert "Your place is confirmed" in mail.body
    assert f"/e/{event.slug}/manage/" in mail.body
    db.session.refresh(delegate_import)
    assert delegate_import.imported_rows == 4 and delegate_import.imported_at is not None
    assert delegate_import.content == b""  # the file is not kept once imported
    with pytest.raises(imports.ImportNotPossible) as refused:
        imports.import_delegates(event, delegate_import, staff)
    assert refused.value.code == "imported"
    assert count(Registration) == 4


def test_one_invalid_row_imports_nothing(app):
    event = make_event()
    staff = organiser(event)
    rows = [*ROWS, ["Ana", "B", "ana@example", "mayor", "Org", "Town", "GR"]]
    delegate_import = uploaded(event, csv_file(rows))
    with pytest.raises(imports.ImportNotPossible) as refused:
        imports.import_delegates(event, delegate_import, staff)
    assert refused.value.code == "problems"
    assert count(Registration) == count(OutboxMessage) == count(AuditEntry) == 0
    db.session.refresh(delegate_import)
    assert delegate_import.imported_at is None


def test_an_address_registered_after_the_preview_stops_the_whole_import(app, client):
    event = make_event()
    delegate_import = uploaded(event, csv_file(ROWS))
    assert checked(event, delegate_import).importable
    register(client, event, email="ayse@balikesir.example")
    with pytest.raises(imports.ImportNotPossible):
        imports.import_delegates(event, delegate_import, organiser(event))
    assert count(Registration) == 1


def test_import_past_capacity_is_refused_whole(app, client):
    event = make_event(capacity=3)
    register(client, event, email="first@city.example")
    register(client, event, email="second@city.example")
    delegate_import = uploaded(event, csv_file(ROWS))
    preview = checked(event, delegate_import)
    assert preview.places_left == 1 and preview.over_capacity and not preview.importable
    with pytest.raises(imports.ImportNotPossible) as refused:
        imports.import_delegates(event, delegate_import, organiser(event))
    assert (refused.value.code, refused.value.places_left) == ("capacity", 1)
    assert count(Registration) == 2


def test_invitations_are_created_and_mailed_in_each_invitees_language(app):
    event = make_event()
    staff = organiser(event)
    headings = ["E-mail", "First name", "Last name", "Category", "Language"]
    rows = [
        ["olena@melitopol.example", "Олена", "Коваленко", "mayor", "uk"],
        ["guest@city.example", "", "", "", ""],
    ]
    delegate_import = uploaded(event, xlsx_file(rows, headings), mode="invite",
                               filename="guests.xlsx")  # fmt: skip
    assert delegate_import.encoding == ""
    assert imports.import_delegates(event, delegate_import, staff) == 2
    olena, guest = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert (olena.email_key, olena.given_name, olena.category, olena.locale) == (
        "olena@melitopol.example", "Олена", "mayor", "uk"
    )  # fmt: skip
    assert (guest.category, guest.locale, guest.registration_id) == ("", "en", None)
    assert count(Registration) == 0
    mails = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert f"/e/{event.slug}/register?invitation={olena.token}" in mails[olena.email].body
    assert "Олена Коваленко" in mails[olena.email].body
    assert "Dear colleague," in mails[guest.email].body
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.subject, entry.details, entry.registration_id) == (
        "invitations_sent", "guests.xlsx", {"count": 2}, None
    )  # fmt: skip
    # Inviting the same address again is refused, row by row.
    again = checked(event, uploaded(event, xlsx_file(rows[:1], headings), mode="invite"))
    assert problems_of(again) == [(2, "E-mail", "This address has been invited already.")]


# --- through the pages -------------------------------------------------------------


def organiser_client(client, event):
    organiser(event)
    log_in(client, "organiser@staff.example")
    return client


def upload_page(client, event, content, filename="delegates.csv", **fields):
    url = f"/organiser/{event.slug}/imports"
    data = form_fields(client, url) | {"mode": "register", "encoding": ""} | fields
    data["file"] = (io.BytesIO(content), filename)
    return client.post(url, data=data, content_type="multipart/form-data")


def test_upload_columns_preview_and_import_through_the_pages(client, event):
    organiser_client(client, event)
    content = csv_file(CYRILLIC, encoding="windows-1251", delimiter=";")
    refused = upload_page(client, event, content)
    assert refused.status_code == 200
    assert "This file is not in UTF-8" in refused.get_data(as_text=True)
    assert count(DelegateImport) == 0
    response = upload_page(client, event, content, encoding="windows-1251")
    assert response.status_code == 303
    columns_url = response.location
    page = client.get(columns_url).get_data(as_text=True)
    assert "Мелітопольська міська рада" in page  # a sample of the column's values
    assert '<option selected value="Organisation">' in page
    fields = form_fields(client, columns_url) | {name: "" for name in imports.FIELDS}
    mapping = dict(zip(["given_name", "family_name", "email", "category", "organisation",
                        "city", "country"], HEADINGS, strict=True))  # fmt: skip
    same_column_twice = fields | mapping | {"family_name": "Given name"}
    page = client.post(columns_url, data=same_column_twice).get_data(as_text=True)
    assert "This column is chosen for Given name already." in page
    missing = client.post(columns_url, data=fields | mapping | {"city": ""})
    assert "Choose the column that holds this: it is needed." in missing.get_data(as_text=True)
    preview_url = client.post(columns_url, data=fields | mapping).location
    page = client.get(preview_url).get_data(as_text=True)
    assert "Import 2 delegates" in page and "Коваленко" in page
    run = client.post(preview_url + "/import", data=form_fields(client, preview_url))
    assert run.status_code == 303
    page = client.get(run.location).get_data(as_text=True)
    assert "2 delegates registered." in page
    names = db.session.scalars(select(Registration.family_name).order_by(Registration.id))
    assert list(names) == ["Коваленко", "Иванов"]
    listing = client.get(f"/organiser/{event.slug}/imports").get_data(as_text=True)
    assert "delegates.csv" in listing


def test_preview_with_problems_offers_no_import_and_importing_anyway_writes_nothing(client, event):
    organiser_client(client, event)
    rows = [ROWS[0], ["Ana", "B", "ana@", "mayor", "Org", "Town", "GR"]]
    workbook = xlsx_file(rows)
    columns_url = upload_page(client, event, workbook, filename="list.xlsx").location
    preview_url = columns_url.removesuffix("/columns")
    page = client.get(preview_url).get_data(as_text=True)
    assert "ana@ is not a valid e-mail address." in page
    assert "Import 1 delegate" not in page and "Import 2 delegates" not in page
    assert "Nothing can be imported while rows have problems." in page
    response = client.post(preview_url + "/import", data=form_fields(client, preview_url))
    page = client.get(response.location).get_data(as_text=True)
    assert "Nothing was imported: some rows have problems." in page
    assert count(Registration) == count(OutboxMessage) == 0


def test_invitations_sent_through_the_pages_are_listed(client, event):
    organiser_client(client, event)
    headings = ["Email", "Name", "Language"]
    rows = [["olena@melitopol.example", "Олена", "Українська"], ["li@city.example", "李", "zh"]]
    columns_url = upload_page(
        client, event, xlsx_file(rows, headings), filename="guests.xlsx", mode="invite"
    ).location
    mapping = {"email": "Email", "given_name": "Name", "preferred_locale": "Language"}
    preview_url = client.post(columns_url, data=form_fields(client, columns_url) | mapping).location
    page = client.get(preview_url).get_data(as_text=True)
    assert "Send 2 invitations" in page and "Українська" in page
    run = client.post(preview_url + "/import", data=form_fields(client, preview_url))
    assert "2 invitations sent." in client.get(run.location).get_data(as_text=True)
    assert {i.locale for i in db.session.scalars(select(Invitation))} == {"uk", "zh"}
    listing = client.get(f"/organiser/{event.slug}/invitations").get_data(as_text=True)
    assert "2 invitations sent, 0 registered." in listing
    assert listing.count("Not registered yet") == 2


def test_problems_are_listed_page_by_page(client, event, monkeypatch):
    monkeypatch.setattr(import_views, "PROBLEMS_PER_PAGE", 1)
    organiser_client(client, event)
    rows = [[*ROWS[0][:2], f"bad{n}@", *ROWS[0][3:]] for n in range(3)]
    preview_url = upload_page(client, event, csv_file(rows)).location.removesuffix("/columns")
    page = client.get(preview_url, query_string={"page": 2}).get_data(as_text=True)
    assert "bad1@ is not a valid" in page and "bad0@" not in page
    assert "Page 2 of 3" in page


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"%PDF-1.4\n1 0 obj\n", "delegates.csv", "This is not a CSV or XLSX file."),
        (b"", "delegates.csv", "The file is empty."),
        (b"Given name,E-mail\r\n", "delegates.xlsx", "headings but no delegates"),
    ],
)
def test_unusable_uploads_are_explained_on_the_form(client, event, content, filename, message):
    organiser_client(client, event)
    response = upload_page(client, event, content, filename=filename)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(DelegateImport) == 0


def test_an_upload_without_its_csrf_token_is_refused(client, event):
    organiser_client(client, event)
    url = f"/organiser/{event.slug}/imports"
    data = {"mode": "register", "file": (io.BytesIO(csv_file(ROWS)), "delegates.csv")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "This form has expired" in response.get_data(as_text=True)
    assert count(DelegateImport) == 0


def test_an_uploaded_file_can_be_deleted_before_import(client, event):
    organiser_client(client, event)
    preview_url = upload_page(client, event, csv_file(ROWS)).location.removesuffix("/columns")
    response = client.post(preview_url + "/delete", data=form_fields(client, preview_url))
    assert response.status_code == 303
    assert count(DelegateImport) == 0
    assert client.get(preview_url).status_code == 404


def invitation_link(event, address: str) -> str:
    body = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == address)
    ).one()
    url = re.search(r"http://confreg\.test(/e/\S+)", body).group(1)
    return url


def invite(event, rows, headings=("E-mail", "Given name", "Family name", "Category", "Language")):
    delegate_import = uploaded(event, csv_file(rows, list(headings)), mode="invite")
    imports.import_delegates(event, delegate_import, organiser(event))


def test_invitation_link_fills_in_the_form_and_locks_the_address(client, event):
    invite(event, [["olena@melitopol.example", "Олена", "Коваленко", "mayor", "uk"]])
    url = invitation_link(event, "olena@melitopol.example")
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="email"[^>]*readonly[^>]*>', page)
    assert 'value="olena@melitopol.example"' in page
    assert 'value="Олена"' in page and 'value="Коваленко"' in page
    assert '<option selected value="mayor">' in page
    assert '<option selected value="uk">' in page
    assert "You were invited as" in page

    fields = form_fields(client, url) | delegate_details(
        given_name="Олена", family_name="Коваленко", email="someone.else@example.org"
    )
    refused = client.post(url, data=fields)
    assert refused.status_code == 200
    assert "This invitation is for olena@melitopol.example; the address cannot be changed." in (
        refused.get_data(as_text=True)
    )
    assert count(Registration) == 0

    accepted = client.post(url, data=fields | {"email": "olena@melitopol.example"})
    assert accepted.status_code == 303
    registration = db.session.scalars(select(Registration)).one()
    assert registration.email == "olena@melitopol.example"
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.registration_id == registration.id

    used = client.get(url).get_data(as_text=True)
    assert "You are registered already" in used
    assert f"/e/{event.slug}/manage/lost" in used


def test_unknown_invitation_and_closed_registration(client, event):
    response = client.get(f"/e/{event.slug}/register?invitation=not-a-real-token")
    assert response.status_code == 404
    assert "This invitation link does not work" in response.get_data(as_text=True)
    invite(event, [["guest@city.example", "", "", "", ""]])
    url = invitation_link(event, "guest@city.example")
    event.registration_closes_at = datetime(2000, 1, 1, tzinfo=UTC)
    db.session.commit()
    # An invitation works while registration is open, like the form itself.
    assert client.get(url).status_code == 403


def test_registering_without_the_link_also_takes_up_the_invitation(client, event):
    invite(event, [["a.karpouchtsis@serres.example", "Αθανάσιος", "", "", ""]])
    register(client, event)
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.registration_id is not None
    page = organiser_client(client, event).get(f"/organiser/{event.slug}/invitations")
    text = page.get_data(as_text=True)
    assert "1 invitation sent, 1 registered." in text and "Confirmed" in text


def test_a_cancelled_registration_frees_its_invitation_link(client, event):
    from confreg.registration import service

    invite(event, [["a.karpouchtsis@serres.example", "Αθανάσιος", "", "", ""]])
    url = invitation_link(event, "a.karpouchtsis@serres.example")
    register(client, event)
    first = db.session.scalars(select(Registration)).one()
    service.cancel(first)
    page = client.get(url).get_data(as_text=True)
    assert "You are registered already" not in page
    assert 'value="a.karpouchtsis@serres.example"' in page
    fields = form_fields(client, url) | delegate_details()
    assert client.post(url, data=fields).status_code == 303
    again = db.session.scalar(select(Registration).where(Registration.status == "confirmed"))
    assert db.session.scalars(select(Invitation)).one().registration_id == again.id


@pytest.mark.parametrize("who", ["anonymous", "desk", "organiser of another event"])
def test_only_the_events_organisers_may_import(client, event, who):
    delegate_import = uploaded(event, csv_file(ROWS))
    if who == "desk":
        make_staff(event, "desk", "desk@staff.example")
        log_in(client, "desk@staff.example")
    elif who != "anonymous":
        other = make_event(slug="other-event")
        make_staff(other, "organiser", "other@staff.example")
        log_in(client, "other@staff.example")
    base = f"/organiser/{event.slug}"
    token = form_fields(client, "/staff/login")["csrf_token"]
    data = {"csrf_token": token}
    responses = [
        client.get(f"{base}/imports"),
        client.post(f"{base}/imports", data=data | {"file": (io.BytesIO(csv_file(ROWS)), "a.csv")},
                    content_type="multipart/form-data"),
        client.get(f"{base}/imports/{delegate_import.public_id}"),
        client.post(f"{base}/imports/{delegate_import.public_id}/import", data=data),
        client.get(f"{base}/invitations"),
    ]  # fmt: skip
    expected = 302 if who == "anonymous" else 403
    assert [response.status_code for response in responses] == [expected] * 5
    assert count(Registration) == 0 and count(DelegateImport) == 1
