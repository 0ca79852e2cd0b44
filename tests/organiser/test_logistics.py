"""Travel and logistics for the hosts: each day's arrivals, departures and transfers,
the catering counts, their CSV files, and who may see them."""

import csv
import io
from datetime import date, time

import pytest
from sqlalchemy import event as sqlalchemy_event

from confreg.extensions import db
from confreg.registration import travel
from tests.conftest import log_in, make_event, make_staff
from tests.events.test_enrolment import delegate

# The test event runs from 6 to 8 May 2031.
BEFORE, FIRST, SECOND, LAST, AFTER = (date(2031, 5, day) for day in (5, 6, 7, 8, 9))


def traveller(event, number, arrival_on=None, arrival_time=None, departure_on=None,
              departure_time=None, status="confirmed", **values):  # fmt: skip
    registration = delegate(event, number, status=status)
    registration.latin_given_name = f"Latin {number}"
    registration.arrival_on, registration.arrival_time = arrival_on, arrival_time
    registration.departure_on, registration.departure_time = departure_on, departure_time
    for name, value in values.items():
        setattr(registration, name, value)
    db.session.commit()
    return registration


@pytest.fixture
def conference(event):
    """Five confirmed delegates, some with travel, and two who will not come."""
    traveller(event, 0, BEFORE, time(18, 5), AFTER, time(7, 0), arrival_flight="AM 0402",
              hotel="Hotel Union", wants_airport_transfer=True, accompanying_persons=2,
              dietary_needs="Vegetarian")  # fmt: skip
    traveller(event, 1, BEFORE, time(9, 30), SECOND, None, arrival_flight="LH403",
              hotel="=HYPERLINK(\"http://x\")", dietary_needs="vegetarian.")  # fmt: skip
    traveller(event, 2, BEFORE, None, LAST, time(16, 0), wants_airport_transfer=True,
              departure_flight="TK 1058", dietary_needs="Halal")  # fmt: skip
    traveller(event, 3, SECOND, time(8, 0), None, None, wants_airport_transfer=True)
    traveller(event, 4, dietary_needs="Vegetarian")  # no travel data: every conference day
    traveller(event, 5, BEFORE, time(10, 0), AFTER, None, status="pending")
    traveller(event, 6, BEFORE, time(11, 0), AFTER, None, status="cancelled")
    return event


def names(movements) -> list[str]:
    return [movement.registration.given_name for movement in movements]


def test_arrivals_of_a_day_are_confirmed_delegates_by_time_unknown_times_last(conference):
    arrivals = travel.arrivals_on(conference, BEFORE)

    assert names(arrivals) == ["Delegate 1", "Delegate 0", "Delegate 2"]
    assert [m.time for m in arrivals] == [time(9, 30), time(18, 5), None]
    assert [m.flight for m in arrivals] == ["LH403", "AM 0402", ""]
    assert [m.people for m in arrivals] == [1, 3, 1]
    assert names(travel.arrivals_on(conference, SECOND)) == ["Delegate 3"]
    assert travel.arrivals_on(conference, LAST) == []


def test_departures_of_a_day_by_time(conference):
    assert names(travel.departures_on(conference, AFTER)) == ["Delegate 0"]
    [leaving] = travel.departures_on(conference, LAST)
    assert (leaving.time, leaving.flight, leaving.kind) == (time(16, 0), "TK 1058", "departure")


def test_the_transfer_list_holds_only_those_who_want_a_transfer_arriving_and_leaving(conference):
    transfers = travel.transfers_on(conference, BEFORE)
    assert names(transfers) == ["Delegate 0", "Delegate 2"]  # Delegate 1 wants none
    assert [m.kind for m in transfers] == ["arrival", "arrival"]
    assert [(m.kind, m.time) for m in travel.transfers_on(conference, LAST)] == [
        ("departure", time(16, 0))
    ]


def test_days_are_the_conference_days_and_every_travel_day(conference):
    assert travel.travel_days(conference) == [BEFORE, FIRST, SECOND, LAST, AFTER]


def test_catering_counts_delegates_whose_stay_covers_the_day_with_their_companions(conference):
    counts = {c.day: c for c in travel.catering(conference, travel.travel_days(conference))}

    # Before the conference only those who said they arrive early count.
    assert (counts[BEFORE].delegates, counts[BEFORE].accompanying) == (3, 2)
    # Delegate 3 from the second day, delegate 4 (no dates) on every conference day.
    assert (counts[FIRST].delegates, counts[FIRST].people) == (4, 6)
    assert (counts[SECOND].delegates, counts[SECOND].people) == (5, 7)
    assert (counts[LAST].delegates, counts[LAST].people) == (4, 6)  # delegate 1 has left
    assert (counts[AFTER].delegates, counts[AFTER].people) == (1, 3)
    assert counts[SECOND].dietary_needs == [("Vegetarian", 3), ("Halal", 1)]
    assert counts[AFTER].dietary_needs == [("Vegetarian", 1)]


def test_each_list_takes_the_same_few_queries_however_many_delegates(app, conference):
    def queries(run) -> int:
        db.session.refresh(conference)  # the event itself is loaded before counting
        statements = []

        def count(*_args):
            statements.append(1)

        sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
        try:
            run()
        finally:
            sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def every_list():
        days = travel.travel_days(conference)
        for day in days:
            for movement in travel.arrivals_on(conference, day) + travel.transfers_on(
                conference, day
            ):
                assert movement.people and movement.registration.hotel is not None
        travel.catering(conference, days)

    few = queries(every_list)
    for number in range(10, 30):
        traveller(conference, number, BEFORE, time(12, 0), AFTER, None, hotel="H")
    db.session.expire_all()
    assert queries(every_list) == few == 1 + 5 * (1 + 2) + 1  # days, per day, catering


# --- the page and its files ---------------------------------------------------------


@pytest.fixture
def organiser(client, conference):
    make_staff(conference, "organiser")
    log_in(client, "organiser@staff.example")
    return client


def rows_of(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_page_shows_the_days_lists_and_catering(organiser, conference):
    page = organiser.get(f"/organiser/{conference.slug}/logistics?day=2031-05-05")

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Arrivals on Monday, May 5, 2031" in text
    assert text.index("Delegate 1") < text.index("Delegate 0") < text.index("Delegate 2")
    assert "Latin 1" in text and "AM 0402" in text and "Hotel Union" in text
    assert "Delegate 5" not in text and "Delegate 6" not in text
    assert "5 people in all." in text  # arrivals: 1 + 3 + 1
    assert '<option value="2031-05-09"' in text
    assert "Wednesday, May 7, 2031 (conference day)" in text
    assert "<bdi>Vegetarian</bdi>: 3" in text
    assert "Travel and logistics" in text


def test_without_a_day_the_page_opens_on_the_first_conference_day(organiser, conference):
    text = organiser.get(f"/organiser/{conference.slug}/logistics").get_data(as_text=True)
    assert "Arrivals on Tuesday, May 6, 2031" in text
    assert "No one arrives on this day." in text


@pytest.mark.parametrize("path", ["logistics", "logistics/arrivals.csv"])
def test_a_day_that_is_not_a_date_gets_a_clear_answer(organiser, conference, path):
    response = organiser.get(f"/organiser/{conference.slug}/{path}?day=5th%20of%20May")
    assert response.status_code == 400
    assert "what the address gives is not a date" in response.get_data(as_text=True)


def test_arrivals_csv_lists_the_day_with_formulas_neutralised(organiser, conference):
    response = organiser.get(f"/organiser/{conference.slug}/logistics/arrivals.csv?day=2031-05-05")

    rows = rows_of(response)
    assert "2031-05-05" in response.headers["Content-Disposition"]
    assert rows[0] == ["Date", "Time", "Flight", "Name", "Name in Latin letters", "Organisation",
                       "Hotel", "Airport transfer", "People", "E-mail address"]  # fmt: skip
    assert rows[1] == ["2031-05-05", "09:30", "LH403", "Delegate 1", "Latin 1", "",
                       "'=HYPERLINK(\"http://x\")", "No", "1", "d1@city.example"]  # fmt: skip
    assert [row[3] for row in rows[1:]] == ["Delegate 1", "Delegate 0", "Delegate 2"]
    assert rows[2][1:3] == ["18:05", "AM 0402"] and rows[2][7:9] == ["Yes", "3"]
    assert rows[3][1] == ""


def test_departures_and_transfers_csv(organiser, conference):
    slug = conference.slug
    departures = rows_of(
        organiser.get(f"/organiser/{slug}/logistics/departures.csv?day=2031-05-08")
    )
    assert [row[3] for row in departures[1:]] == ["Delegate 2"]

    transfers = rows_of(organiser.get(f"/organiser/{slug}/logistics/transfers.csv?day=2031-05-05"))
    assert transfers[0][0] == "Arrival or departure"
    assert [(row[0], row[4]) for row in transfers[1:]] == [
        ("Arrival", "Delegate 0"), ("Arrival", "Delegate 2"),
    ]  # fmt: skip


def test_catering_csv_has_every_day_with_counts_and_needs(organiser, conference):
    rows = rows_of(organiser.get(f"/organiser/{conference.slug}/logistics/catering.csv"))

    assert rows[0] == [
        "Date",
        "Delegates",
        "Accompanying persons",
        "People in all",
        "Dietary needs",
    ]
    assert rows[1:] == [
        ["2031-05-05", "3", "2", "5", "Vegetarian: 2; Halal: 1"],
        ["2031-05-06", "4", "2", "6", "Vegetarian: 3; Halal: 1"],
        ["2031-05-07", "5", "2", "7", "Vegetarian: 3; Halal: 1"],
        ["2031-05-08", "4", "2", "6", "Vegetarian: 2; Halal: 1"],
        ["2031-05-09", "1", "2", "3", "Vegetarian: 1"],
    ]


def test_the_delegate_page_shows_travel(organiser, conference):
    [arriving, *_others] = travel.arrivals_on(conference, BEFORE)
    url = f"/organiser/{conference.slug}/delegates/{arriving.registration.public_id}"
    text = organiser.get(url).get_data(as_text=True)
    assert "Travel" in text and "LH403" in text and "9:30" in text


@pytest.mark.parametrize(
    "path",
    ["logistics", "logistics/arrivals.csv", "logistics/departures.csv",
     "logistics/transfers.csv", "logistics/catering.csv"],
)  # fmt: skip
def test_only_the_events_organisers_see_logistics(app, client, conference, path):
    other = make_event(slug="other-event")
    make_staff(conference, "desk", "desk@staff.example")
    make_staff(other, "organiser", "other-organiser@staff.example")
    url = f"/organiser/{conference.slug}/{path}"

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.location
    for email in ("desk@staff.example", "other-organiser@staff.example"):
        browser = app.test_client()
        log_in(browser, email)
        assert browser.get(url).status_code == 403, email
