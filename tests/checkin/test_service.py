"""Check-in rules as plain functions: one first check-in, repeats that say when and
where, refusals recorded, nonces that make retries harmless, undo, offline merges."""

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from confreg.badges import issue_token
from confreg.badges.service import reissue_badge
from confreg.checkin.models import CheckIn
from confreg.checkin.service import NotUndone, Scan, ScanRejected, check_in, undo_checkin
from confreg.events.models import Enrolment, ProgrammeSession
from confreg.extensions import db
from confreg.registration import service as registrations
from confreg.registration.models import Registration
from tests.conftest import make_event, make_staff, register


def nonce() -> str:
    return secrets.token_hex(8)


@pytest.fixture
def delegate(client, event) -> Registration:
    register(client, event)
    return db.session.scalars(select(Registration)).one()


def recorded(answer) -> CheckIn:
    return db.session.get(CheckIn, answer.checkin.id)


def scan(event, registration=None, token=None, **values):
    token = token if token is not None else issue_token(registration)
    return check_in(event, Scan(nonce=values.pop("nonce", nonce()), token=token, **values), None)


def test_first_scan_checks_in_and_a_second_says_when_and_where(event, delegate):
    first = scan(event, delegate, desk="Hall A, desk 1")
    assert (first.result, recorded(first).scope_key) == ("ok", 0)
    second = scan(event, delegate, desk="Hall B, desk 4")
    assert second.result == "already_checked_in"
    assert (second.first.id, second.first.desk) == (first.checkin.id, "Hall A, desk 1")
    assert recorded(second).first_checkin_id == first.checkin.id


def test_the_same_nonce_answers_the_same_and_records_nothing(event, delegate):
    first = scan(event, delegate, nonce="retry-1")
    again = scan(event, delegate, nonce="retry-1")
    assert again.replayed and (again.result, again.checkin.id) == ("ok", first.checkin.id)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


@pytest.mark.parametrize(
    "token", ["", "NOT-A-BADGE", "A" * 133, "A" * 5000, "\x00\xff" * 40, "<script>"]
)
def test_bad_tokens_are_invalid_and_recorded(event, token):
    answer = check_in(event, Scan(nonce=nonce(), token=token), None)
    assert (answer.result, answer.registration) == ("invalid", None)
    assert db.session.scalar(select(CheckIn.result)) == "invalid"


def test_a_reissued_badges_old_code_is_revoked(event, delegate):
    old = issue_token(delegate)
    reissue_badge(delegate, make_staff(event, "organiser"))
    assert scan(event, token=old).result == "revoked"
    assert scan(event, delegate).result == "ok"


def test_another_events_badge_is_wrong_event(client, event, delegate):
    other = make_event(slug="other")
    answer = scan(other, delegate)
    assert (answer.result, recorded(answer).event_id) == ("wrong_event", other.id)


@pytest.mark.parametrize(
    ("status", "detail"), [("cancelled", "cancelled"), ("pending", "not_confirmed")]
)
def test_an_unconfirmed_delegate_is_not_let_in(event, delegate, status, detail):
    token = issue_token(delegate)
    if status == "cancelled":
        registrations.cancel(delegate)
    else:
        delegate.status = "pending"
        db.session.commit()
    answer = scan(event, token=token)
    assert (answer.result, answer.detail) == ("not_confirmed", detail)


def test_undo_lets_the_next_scan_check_in_again_and_keeps_the_record(event, delegate):
    first = scan(event, delegate)
    undone = undo_checkin(event, first.checkin.id, None)
    assert undone.undone_at is not None
    assert scan(event, delegate).result == "ok"
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 2
    with pytest.raises(NotUndone):
        undo_checkin(event, first.checkin.id, None)


def test_a_refusal_cannot_be_undone(event):
    refused = check_in(event, Scan(nonce=nonce(), token="x"), None)
    with pytest.raises(NotUndone):
        undo_checkin(event, refused.checkin.id, None)


def test_a_check_in_by_name_from_the_search(event, delegate):
    answer = check_in(event, Scan(nonce=nonce(), public_id=delegate.public_id), None)
    assert (answer.result, recorded(answer).method) == ("ok", "search")
    unknown = check_in(event, Scan(nonce=nonce(), public_id="nobody"), None)
    assert unknown.result == "invalid"


def test_an_offline_scan_made_earlier_becomes_the_first(event, delegate):
    online = scan(event, delegate, desk="online desk")
    earlier = datetime.now(UTC) - timedelta(minutes=20)
    queued = Scan(nonce=nonce(), token=issue_token(delegate), desk="offline desk",
                  scanned_at=earlier)  # fmt: skip
    offline = check_in(event, queued, None, earliest_wins=True)
    assert offline.result == "ok"
    assert recorded(online).result == "already_checked_in"
    assert recorded(online).first_checkin_id == offline.checkin.id
    again = scan(event, delegate)
    assert (again.result, again.first.desk) == ("already_checked_in", "offline desk")


def test_a_live_scan_that_claims_an_earlier_time_does_not_take_the_first_place(event, delegate):
    """Two desks scanning at the same instant: the one the database took first stays
    first, whatever the clocks say, so that exactly one desk was told "ok"."""
    first = scan(event, delegate, desk="A")
    later = scan(event, delegate, desk="B", scanned_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (later.result, later.first.id) == ("already_checked_in", first.checkin.id)


def test_a_clock_far_in_the_future_is_not_believed(event, delegate):
    answer = scan(event, delegate, scanned_at=datetime.now(UTC) + timedelta(days=3))
    assert answer.checkin.scanned_at <= datetime.now(UTC) + timedelta(minutes=3)


def _session(event, **values) -> ProgrammeSession:
    start = datetime(2031, 5, 6, 7, tzinfo=UTC)
    session = ProgrammeSession(event=event, title={"en": "Mayors' forum"}, starts_at=start,
                               ends_at=start + timedelta(hours=1), **values)  # fmt: skip
    db.session.add(session)
    db.session.commit()
    return session


def test_at_a_sessions_door_the_answer_says_enrolled_or_not(event, delegate):
    session = _session(event)
    walk_in = scan(event, delegate, session_id=session.id)
    assert (walk_in.result, walk_in.detail) == ("ok", "none")
    other = _session(event)
    db.session.add(Enrolment(session=other, registration=delegate, status="enrolled"))
    db.session.commit()
    seated = scan(event, delegate, session_id=other.id)
    assert (seated.result, seated.detail, recorded(seated).scope_key) == (
        "ok",
        "enrolled",
        other.id,
    )
    # The entrance and each session count apart.
    assert scan(event, delegate).result == "ok"


def test_a_session_for_mayors_refuses_a_city_official(event, delegate):
    session = _session(event, eligible_categories=["mayor", "deputy_mayor"])
    answer = scan(event, delegate, session_id=session.id)
    assert answer.result == "not_eligible"


def test_a_session_of_another_event_is_refused(client, event, delegate):
    other_session = _session(make_event(slug="other"))
    with pytest.raises(ScanRejected, match="scope"):
        scan(event, delegate, session_id=other_session.id)
