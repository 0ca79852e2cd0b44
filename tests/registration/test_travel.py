"""A delegate's travel details: the rules as plain functions, and the form behind the
personal link."""

from datetime import date, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from confreg.audit import AuditEntry
from confreg.extensions import db
from confreg.registration import travel
from confreg.registration.links import manage_token
from confreg.registration.models import Registration
from confreg.registration.service import NotAllowed
from tests.conftest import form_fields, make_staff
from tests.events.test_enrolment import delegate
from tests.test_bad_input import nasty_text

# The test event runs from 6 to 8 May 2031.
GOOD = {
    "arrival_on": date(2031, 5, 5),
    "arrival_time": time(14, 35),
    "arrival_flight": "am  0402",
    "departure_on": date(2031, 5, 9),
    "departure_time": time(9, 10),
    "departure_flight": "lh403",
    "hotel": "  Hotel Union ",
    "wants_airport_transfer": True,
    "accompanying_persons": 1,
}


def travel_of(registration: Registration) -> dict:
    db.session.expire_all()
    return {name: getattr(registration, name) for name in travel.TRAVEL_FIELDS}


def updates(registration: Registration) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.registration_id == registration.id, AuditEntry.action == "updated"
            )
        )
    )


def test_travel_is_stored_normalised_and_recorded_in_the_history(event):
    registration = delegate(event, 0)

    changes = travel.update_travel(registration, GOOD, "delegate")

    stored = travel_of(registration)
    assert stored["arrival_flight"] == "AM 0402"
    assert stored["departure_flight"] == "LH403"
    assert stored["hotel"] == "Hotel Union"
    assert stored["arrival_time"] == time(14, 35)
    assert stored["accompanying_persons"] == 1
    [entry] = updates(registration)
    assert entry.actor == "delegate"
    assert entry.details["changes"] == changes
    assert changes["arrival_flight"] == ["", "AM 0402"]
    assert changes["arrival_on"] == [None, "2031-05-05"]
    assert changes["arrival_time"] == [None, "14:35:00"]
    assert changes["wants_airport_transfer"] == [False, True]


def test_a_staff_change_names_the_staff_user_and_an_unchanged_form_records_nothing(event):
    registration = delegate(event, 0)
    organiser = make_staff(event, "organiser")
    travel.update_travel(registration, GOOD, "staff", organiser)

    assert travel.update_travel(registration, GOOD, "delegate") == {}

    [entry] = updates(registration)
    assert entry.actor == "staff" and entry.staff_user_id == organiser.id


@pytest.mark.parametrize(
    "change, problems",
    [
        ({"arrival_on": date(2031, 4, 5)}, {"arrival_on": "arrival_outside_window"}),
        ({"arrival_on": date(2031, 5, 9)}, {"arrival_on": "arrival_outside_window"}),
        ({"departure_on": date(2031, 6, 8)}, {"departure_on": "departure_outside_window"}),
        ({"departure_on": date(2031, 5, 5)}, {"departure_on": "departure_outside_window"}),
        (
            {"arrival_on": date(2031, 5, 7), "departure_on": date(2031, 5, 6)},
            {"departure_on": "departure_before_arrival"},
        ),
        (
            {
                "arrival_on": date(2031, 5, 7),
                "departure_on": date(2031, 5, 7),
                "departure_time": time(14, 0),
            },
            {"departure_time": "departure_before_arrival"},
        ),
        ({"arrival_on": None}, {"arrival_on": "arrival_date_missing"}),
        (
            {"departure_on": None, "departure_time": None},
            {"departure_on": "departure_date_missing"},
        ),
        ({"arrival_flight": "flight 12"}, {"arrival_flight": "flight_code"}),
        ({"departure_flight": "LH 40355"}, {"departure_flight": "flight_code"}),
        ({"accompanying_persons": 11}, {"accompanying_persons": "accompanying_persons_range"}),
        ({"accompanying_persons": -1}, {"accompanying_persons": "accompanying_persons_range"}),
        ({"hotel": "H" * 201}, {"hotel": "hotel_too_long"}),
        (
            {
                "arrival_on": None,
                "arrival_time": None,
                "arrival_flight": "",
                "departure_on": None,
                "departure_time": None,
                "departure_flight": "",
            },
            {"wants_airport_transfer": "transfer_without_dates"},
        ),
    ],
)
def test_bad_travel_is_refused_with_its_reason_and_nothing_is_stored(event, change, problems):
    registration = delegate(event, 0)
    travel.update_travel(registration, GOOD, "delegate")
    before = travel_of(registration)

    with pytest.raises(travel.InvalidTravel) as refused:
        travel.update_travel(registration, GOOD | change, "delegate")

    assert refused.value.problems == problems
    db.session.rollback()
    assert travel_of(registration) == before
    assert len(updates(registration)) == 1


def test_flight_codes_of_every_usual_form_are_accepted(event):
    registration = delegate(event, 0)
    for typed, stored in [("u2 8123a", "U2 8123A"), ("AMX402", "AMX402"), ("9w 1", "9W 1")]:
        travel.update_travel(registration, GOOD | {"arrival_flight": typed}, "delegate")
        assert travel_of(registration)["arrival_flight"] == stored


@pytest.mark.parametrize("status", ["cancelled", "rejected"])
def test_cancelled_or_rejected_registrations_keep_their_travel(event, status):
    registration = delegate(event, 0, status=status)
    with pytest.raises(NotAllowed):
        travel.update_travel(registration, GOOD, "delegate")
    assert travel_of(registration)["hotel"] == ""


# --- through the personal link -----------------------------------------------------


def travel_url(event, registration) -> str:
    return f"/e/{event.slug}/manage/{manage_token(registration)}/travel"


def typed(**overrides) -> dict:
    form = {
        "arrival_on": "2031-05-05", "arrival_time": "14:35", "arrival_flight": "am 0402",
        "departure_on": "2031-05-09", "departure_time": "09:10", "departure_flight": "LH403",
        "hotel": "Hotel Union", "wants_airport_transfer": "y", "accompanying_persons": "2",
    }  # fmt: skip
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def test_the_travel_form_uses_date_and_time_inputs_and_saves(client, event):
    registration = delegate(event, 0)
    url = travel_url(event, registration)
    page = client.get(url).get_data(as_text=True)
    assert 'type="date"' in page and 'type="time"' in page

    response = client.post(url, data=form_fields(client, url) | typed())

    assert response.status_code == 303
    assert response.location == url.removesuffix("/travel") + "#travel"
    stored = travel_of(registration)
    assert stored["arrival_flight"] == "AM 0402"
    assert stored["departure_time"] == time(9, 10)
    assert stored["accompanying_persons"] == 2
    manage = client.get(response.location).get_data(as_text=True)
    assert "Your travel details are saved." in manage
    assert "AM 0402" in manage and "Hotel Union" in manage
    assert "Change my travel details" in manage


def test_an_empty_accompanying_field_means_nobody_and_seconds_are_accepted(client, event):
    registration = delegate(event, 0)
    url = travel_url(event, registration)
    data = typed(accompanying_persons="", arrival_time="14:35:20", wants_airport_transfer=None)
    assert client.post(url, data=form_fields(client, url) | data).status_code == 303
    stored = travel_of(registration)
    assert stored["accompanying_persons"] == 0
    assert stored["arrival_time"] == time(14, 35, 20)
    assert stored["wants_airport_transfer"] is False


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"arrival_on": "5 May"}, "Enter the date as year, month and day"),
        ({"arrival_time": "25:99"}, "Enter the time as hours and minutes"),
        ({"accompanying_persons": "two"}, "Enter a whole number"),
        ({"accompanying_persons": "12"}, "Enter a number from 0 to 10."),
        ({"arrival_on": "2031-03-01"}, "Choose an arrival date from Apr 6, 2031 to May 8, 2031."),
        (
            {"arrival_on": "2031-05-08", "departure_on": "2031-05-07"},
            "The departure cannot be before the arrival.",
        ),
        ({"departure_flight": "by train"}, "Enter the flight as on your ticket"),
        ({"hotel": "Hotel\u202eUnion"}, "Remove the invisible control characters"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    client, event, overrides, message
):
    registration = delegate(event, 0)
    url = travel_url(event, registration)

    response = client.post(url, data=form_fields(client, url) | typed(**overrides))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page
    assert 'value="Hotel' in page or "hotel" in overrides  # what was typed is kept
    assert travel_of(registration)["hotel"] == ""
    assert updates(registration) == []


def test_a_form_without_its_token_is_refused_without_saving(client, event):
    registration = delegate(event, 0)
    response = client.post(travel_url(event, registration), data=typed())
    assert "This form has expired" in response.get_data(as_text=True)
    assert travel_of(registration)["hotel"] == ""


def test_a_cancelled_registration_cannot_change_its_travel(client, event):
    registration = delegate(event, 0, status="cancelled")
    url = travel_url(event, registration)
    response = client.post(url, data=form_fields(client, url) | typed(), follow_redirects=True)
    assert "This registration can no longer be changed." in response.get_data(as_text=True)
    assert travel_of(registration)["hotel"] == ""


def test_a_forged_link_opens_no_travel_form(client, event):
    registration = delegate(event, 0)
    url = travel_url(event, registration)
    assert client.get(url[:-10] + "abc/travel").status_code == 404


def test_each_link_shows_and_changes_its_own_delegate_only(client, event):
    mine, other = delegate(event, 0), delegate(event, 1)
    travel.update_travel(other, GOOD | {"hotel": "Grand Hotel Other"}, "delegate")
    url = travel_url(event, mine)

    assert "Grand Hotel Other" not in client.get(url).get_data(as_text=True)
    client.post(url, data=form_fields(client, url) | typed(hotel="My hotel"))

    assert travel_of(mine)["hotel"] == "My hotel"
    assert travel_of(other)["hotel"] == "Grand Hotel Other"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=st.dictionaries(st.sampled_from(travel.TRAVEL_FIELDS), nasty_text, max_size=5))
def test_the_travel_form_answers_any_input_without_a_server_error(client, event, values):
    registration = db.session.scalar(select(Registration)) or delegate(event, 0)
    url = travel_url(event, registration)

    response = client.post(url, data=form_fields(client, url) | typed(**values))

    assert response.status_code in (200, 303)
    stored = travel_of(registration)
    if response.status_code == 200:
        assert 'class="error-summary"' in response.get_data(as_text=True)
    else:  # what was stored keeps to the rules
        assert 0 <= stored["accompanying_persons"] <= travel.MAX_ACCOMPANYING_PERSONS
        assert len(stored["hotel"]) <= travel.HOTEL_MAX_LENGTH
