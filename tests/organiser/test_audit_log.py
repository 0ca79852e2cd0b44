"""The audit log: changes to the event recorded with their before and after, and a page
that narrows the log by action, author, delegate and days."""

from datetime import date, timedelta

from sqlalchemy import select

from confreg.audit import AuditEntry
from confreg.events.models import Room
from confreg.extensions import db
from tests.conftest import form_fields, log_in, make_staff, register


def organiser(client, event, email="organiser@staff.example"):
    make_staff(event, "organiser", email)
    log_in(client, email)
    return client


def post_form(client, url, **data):
    return client.post(url, data=form_fields(client, url) | data)


def audit_page(client, event, **query) -> tuple[int, str]:
    answer = client.get(f"/organiser/{event.slug}/audit", query_string=query)
    return answer.status_code, answer.get_data(as_text=True)


def test_a_settings_change_is_recorded_with_before_and_after(client, event):
    organiser(client, event)
    post_form(client, f"/organiser/{event.slug}/settings", capacity="500")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "settings_changed"))
    assert entry.details["changes"]["capacity"] == [None, 500]
    assert entry.staff_user.email == "organiser@staff.example"
    assert entry.registration_id is None
    _, page = audit_page(client, event)
    assert "Event settings changed" in page and "<code>capacity</code>" in page


def test_rooms_added_changed_and_removed_are_recorded(client, event):
    organiser(client, event)
    post_form(client, f"/organiser/{event.slug}/programme/rooms/new", name="Hall A", capacity="80")
    room = db.session.scalar(select(Room))
    post_form(client, f"/organiser/{event.slug}/programme/rooms/{room.id}", name="Hall A",
              capacity="120")  # fmt: skip
    post_form(client, f"/organiser/{event.slug}/programme/rooms/{room.id}/delete")
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("room_%")).order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.subject) for e in entries] == [
        ("room_added", "Hall A"), ("room_changed", "Hall A"), ("room_removed", "Hall A"),
    ]  # fmt: skip
    assert entries[1].details["changes"] == {"capacity": [80, 120]}


def test_nothing_is_recorded_for_a_form_sent_unchanged(client, event):
    organiser(client, event)
    post_form(client, f"/organiser/{event.slug}/settings")
    assert db.session.scalar(select(AuditEntry)) is None


def test_the_log_narrows_by_action_author_delegate_and_days(client, event):
    register(client, event)  # Αθανάσιος Καρπουχτσής
    register(client, event, given_name="Ayşe", family_name="Yılmaz", latin_given_name="",
             latin_family_name="", email="ayse@bursa.example")  # fmt: skip
    organiser(client, event, "first@staff.example")
    post_form(client, f"/organiser/{event.slug}/settings", capacity="500")
    client.post("/staff/logout", data=form_fields(client, f"/organiser/{event.slug}/audit"))
    organiser(client, event, "second@staff.example")
    post_form(client, f"/organiser/{event.slug}/settings", capacity="600")

    _, everything = audit_page(client, event)
    assert "4 changes found." in everything
    _, registered = audit_page(client, event, action="registered")
    assert "2 changes found." in registered
    _, by_delegates = audit_page(client, event, actor="delegate")
    assert "2 changes found." in by_delegates
    first = db.session.scalar(
        select(AuditEntry.staff_user_id).where(AuditEntry.action == "settings_changed")
    )
    _, by_first = audit_page(client, event, staff_user=str(first))
    assert "1 change found." in by_first and "first@staff.example" in by_first
    _, about_ayse = audit_page(client, event, delegate="yilmaz")
    assert "1 change found." in about_ayse and "Yılmaz" in about_ayse
    today = date.today()
    _, tomorrow = audit_page(client, event, since=(today + timedelta(days=2)).isoformat())
    assert "0 changes found." in tomorrow


def test_a_last_day_before_the_first_is_refused_clearly(client, event):
    organiser(client, event)
    status, page = audit_page(client, event, since="2031-05-08", until="2031-05-06")
    assert status == 400
    assert "The last day cannot be before the first." in page
    status, page = audit_page(client, event, since="not a date")
    assert status == 400


def test_a_new_track_is_recorded_under_its_name_in_the_events_language(client, event):
    """A new item's event is not loaded through it yet: its name is found all the same."""
    organiser(client, event)
    post_form(client, f"/organiser/{event.slug}/programme/tracks/new", name_en="Plenary",
              name_es="Plenaria", kind="plenary", colour="#1B4F72")  # fmt: skip
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "track_added"))
    assert entry.subject == "Plenary"


def test_the_log_names_statuses_in_the_readers_language(client, event):
    register(client, event)
    organiser(client, event)
    client.set_cookie("confreg_locale", "es")
    _, page = audit_page(client, event)
    assert "<code>status</code>: <bdi>Confirmada</bdi>" in page
