"""Guessing passwords: an address is locked out after repeated failures, whether or not
it has an account, so that the answer reveals nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from confreg.auth.service import LOCK_TIME, MAX_FAILURES, LockedOut, authenticate
from tests.conftest import STAFF_PASSWORD, form_fields, make_staff


@pytest.fixture
def organiser(event):
    return make_staff(event, "organiser")


def test_repeated_failures_lock_the_address_even_for_the_right_password(organiser):
    now = datetime(2031, 5, 6, 9, tzinfo=UTC)
    for attempt in range(MAX_FAILURES):
        assert authenticate(organiser.email, "wrong", now + timedelta(seconds=attempt)) is None
    with pytest.raises(LockedOut):
        authenticate(organiser.email, STAFF_PASSWORD, now + timedelta(minutes=1))
    later = now + LOCK_TIME + timedelta(seconds=10)
    assert authenticate(organiser.email, STAFF_PASSWORD, later).id == organiser.id


def test_an_unknown_address_is_locked_the_same_way(organiser):
    now = datetime(2031, 5, 6, 9, tzinfo=UTC)
    for attempt in range(MAX_FAILURES):
        authenticate("nobody@staff.example", "guess", now + timedelta(seconds=attempt))
    with pytest.raises(LockedOut):
        authenticate("NOBODY@staff.example ", "guess", now + timedelta(minutes=1))


def test_old_failures_do_not_add_up_and_a_success_clears_them(organiser):
    now = datetime(2031, 5, 6, 9, tzinfo=UTC)
    for day in range(MAX_FAILURES + 2):  # one failure a day never locks
        assert authenticate(organiser.email, "wrong", now + timedelta(days=day)) is None
    for attempt in range(MAX_FAILURES - 1):
        authenticate(organiser.email, "wrong", now + timedelta(days=9, seconds=attempt))
    assert authenticate(organiser.email, STAFF_PASSWORD, now + timedelta(days=9, minutes=1))
    for attempt in range(MAX_FAILURES - 1):  # counting starts again after a success
        authenticate(organiser.email, "wrong", now + timedelta(days=9, minutes=2, seconds=attempt))
    assert authenticate(organiser.email, STAFF_PASSWORD, now + timedelta(days=9, minutes=3))


def test_the_log_in_page_says_to_wait(client, organiser):
    fields = form_fields(client, "/staff/login")
    for _ in range(MAX_FAILURES):
        client.post("/staff/login", data=fields | {"email": organiser.email, "password": "x"})
    page = client.post("/staff/login", data=fields | {"email": organiser.email,
                                                      "password": STAFF_PASSWORD})  # fmt: skip
    assert "Too many failed log-ins for this address" in page.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302  # still not logged in
