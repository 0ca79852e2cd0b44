"""Moving the whole event, as the Mexico City conference moved from May to September."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from confreg.events.models import ProgrammeSession
from confreg.extensions import db
from confreg.mail import OutboxMessage
from tests.conftest import form_fields, log_in, make_event, make_staff
from tests.events.test_enrolment import delegate


def test_moving_the_event_moves_the_programme_and_tells_every_delegate(client, app):
    event = make_event(
        timezone="America/Mexico_City", starts_on=date(2015, 5, 18), ends_on=date(2015, 5, 20),
        name={"en": "2nd ICLC", "es": "Segunda CICA"},
    )  # fmt: skip
    opening = ProgrammeSession(
        event=event, title={"en": "Opening"}, sequence=0,
        starts_at=datetime(2015, 5, 18, 14, 0, tzinfo=UTC),  # 09:00 CDT
        ends_at=datetime(2015, 5, 18, 15, 30, tzinfo=UTC),
    )  # fmt: skip
    db.session.add(opening)
    db.session.commit()
    english, spanish = delegate(event, 0), delegate(event, 1)
    spanish.preferred_locale = "es"
    delegate(event, 2, status="cancelled")
    db.session.commit()
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    url = f"/organiser/{event.slug}/dates"

    response = client.post(
        url,
        data=form_fields(client, url)
        | {"starts_on": "2015-09-28", "ends_on": "2015-09-30", "move_programme": "y"},
        follow_redirects=True,
    )

    assert "2 delegates are being told by e-mail." in response.get_data(as_text=True)
    db.session.expire_all()
    moved = db.session.scalars(select(ProgrammeSession)).one()
    assert moved.starts_at.astimezone(event.zone).isoformat() == "2015-09-28T09:00:00-05:00"
    assert moved.sequence == 1
    mails = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(mails) == {english.email, spanish.email}
    assert "Sep 28" in mails[english.email].body
    assert "Segunda CICA" in mails[spanish.email].subject
    assert "sept" in mails[spanish.email].body


def test_dates_in_the_wrong_order_are_refused(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    url = f"/organiser/{event.slug}/dates"
    response = client.post(
        url, data=form_fields(client, url) | {"starts_on": "2031-05-08", "ends_on": "2031-05-01"}
    )
    assert "The last day cannot come before the first." in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.starts_on == date(2031, 5, 6)
