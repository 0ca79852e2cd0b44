"""The organisers' dashboard: its figures counted on known data, the charts drawn from
them in both reading directions, an empty event, and who may see it."""

import itertools
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event as sa_event

from confreg.checkin.models import CheckIn
from confreg.events.models import Enrolment, ProgrammeSession, Room
from confreg.extensions import db
from confreg.organiser import charts, statistics
from confreg.organiser.charts import ChartRow
from confreg.registration.models import Registration
from tests.conftest import log_in, make_event, make_staff

_numbers = itertools.count()


def add_registration(event, created_at: datetime, **values) -> Registration:
    number = next(_numbers)
    registration = Registration(
        **{
            "event_id": event.id,
            "status": "confirmed",
            "given_name": "Delegate",
            "email": f"delegate{number}@city.example",
            "email_key": f"delegate{number}@city.example",
            "category": "city_official",
            "country": "GR",
            "preferred_locale": "en",
            "privacy_consent_at": created_at,
            "created_at": created_at,
        }
        | values
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def add_entrance_checkin(event, registration, scanned_at: datetime, **values) -> None:
    db.session.add(
        CheckIn(
            **{
                "event_id": event.id,
                "registration_id": registration.id,
                "scanned_at": scanned_at,
                "nonce": f"nonce-{next(_numbers)}",
                "result": "ok",
            }
            | values
        )
    )
    db.session.commit()


def add_session(event, title: str, **values) -> ProgrammeSession:
    session = ProgrammeSession(
        **{
            "event_id": event.id,
            "title": {"en": title},
            "starts_at": at(2031, 5, 6, 8),
            "ends_at": at(2031, 5, 6, 9),
        }
        | values
    )
    db.session.add(session)
    db.session.commit()
    return session


def enrol(session, registrations, status: str = "enrolled") -> None:
    for registration in registrations:
        db.session.add(
            Enrolment(session_id=session.id, registration_id=registration.id, status=status)
        )
    db.session.commit()


def organiser_page(client, event, locale: str | None = None) -> str:
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    if locale:
        client.set_cookie("confreg_locale", locale)
    response = client.get(f"/organiser/{event.slug}/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- figures -------------------------------------------------------------------------


def test_registrations_per_day_follow_the_event_zone_across_summer_time(app, event):
    # Ljubljana moves from UTC+1 to UTC+2 at 01:00 UTC on 30 March 2031.
    add_registration(event, at(2031, 3, 29, 22, 30))  # 23:30 on the 29th
    add_registration(event, at(2031, 3, 29, 23, 30))  # 00:30 on the 30th
    add_registration(event, at(2031, 3, 30, 21, 59))  # 23:59 on the 30th, summer time
    add_registration(event, at(2031, 3, 30, 22, 30))  # 00:30 on the 31st
    add_registration(event, at(2031, 4, 2, 10), status="cancelled")  # received all the same

    days = statistics.registrations_per_day(event, until=date(2031, 4, 3))

    assert [(count.day, count.new, count.total) for count in days] == [
        (date(2031, 3, 29), 1, 1),
        (date(2031, 3, 30), 2, 3),
        (date(2031, 3, 31), 1, 4),
        (date(2031, 4, 1), 0, 4),
        (date(2031, 4, 2), 1, 5),
        (date(2031, 4, 3), 0, 5),
    ]


def test_registrations_per_day_in_a_zone_three_quarters_of_an_hour_off(app):
    event = make_event(slug="kathmandu", timezone="Asia/Kathmandu")  # UTC+5:45
    add_registration(event, at(2031, 5, 5, 18, 10))  # 23:55 on the 5th
    add_registration(event, at(2031, 5, 5, 18, 20))  # 00:05 on the 6th
    other = make_event(slug="other")
    add_registration(other, at(2031, 5, 1, 12))

    days = statistics.registrations_per_day(event)

    assert [(count.day, count.new) for count in days] == [
        (date(2031, 5, 5), 1),
        (date(2031, 5, 6), 1),
    ]
    assert statistics.registrations_per_day(make_event(slug="empty")) == []


def test_categories_countries_and_regions_count_active_registrations(app, event):
    moment = at(2031, 1, 10, 9)
    for country, category, status in [
        ("GR", "mayor", "confirmed"),
        ("GR", "mayor", "pending"),
        ("GR", "city_official", "waitlisted"),
        ("TR", "city_official", "confirmed"),
        ("MX", "ngo", "confirmed"),
        ("EG", "ngo", "confirmed"),
        ("AQ", "press", "confirmed"),  # no member city there: region not known
        ("MX", "mayor", "cancelled"),
        ("KE", "mayor", "rejected"),
    ]:
        add_registration(event, moment, country=country, category=category, status=status)

    active = statistics.active_registrations(event)

    assert active.categories == [("city_official", 2), ("mayor", 2), ("ngo", 2), ("press", 1)]
    countries = active.countries
    assert countries == {"GR": 3, "TR": 1, "MX": 1, "EG": 1, "AQ": 1}
    assert statistics.top_countries(countries, top=2) == ([("GR", 3), ("AQ", 1)], 3)
    assert statistics.region_counts(countries) == [
        ("Arab States", 1),
        ("Europe and North America", 4),
        ("Latin America and the Caribbean", 1),
        (None, 1),
    ]


def test_visa_letters_pending_are_active_requests_not_approved(app, event):
    moment = at(2031, 1, 10, 9)
    for status in ("pending", "confirmed", "waitlisted", "cancelled", "rejected"):
        add_registration(event, moment, status=status, needs_visa_letter=True)
    add_registration(event, moment, needs_visa_letter=True, visa_letter_approved_at=moment)
    add_registration(event, moment)

    assert statistics.active_registrations(event).visa_letters_pending == 3


def test_sessions_filling_up_come_fullest_first_with_their_waiting_lists(app, event):
    delegates = [add_registration(event, at(2031, 1, 10, 9)) for _ in range(6)]
    hall = Room(event_id=event.id, name="Hall", capacity=4)
    db.session.add(hall)
    db.session.commit()
    half = add_session(event, "Half full", capacity=4)
    full = add_session(event, "Full", room_id=hall.id)  # the room's four seats
    unlimited = add_session(event, "Open air")
    empty = add_session(event, "Nobody yet", capacity=50)
    enrol(half, delegates[:2])
    enrol(full, delegates[:4])
    enrol(full, delegates[4:], status="waitlisted")
    enrol(unlimited, delegates)

    fills = statistics.sessions_filling_up(event)

    assert [(f.session.id, f.enrolled, f.seats, f.waitlisted) for f in fills] == [
        (full.id, 4, 4, 2),
        (half.id, 2, 4, 0),
        (empty.id, 0, 50, 0),
    ]
    assert [fill.session.id for fill in statistics.sessions_filling_up(event, top=1)] == [full.id]


def test_arrivals_count_first_entrance_check_ins_per_day(app, event):
    assert statistics.arrivals(event, expected=0) is None
    first, second, third, fourth = (add_registration(event, at(2031, 1, 10, 9)) for _ in range(4))
    add_entrance_checkin(event, first, at(2031, 5, 5, 22, 30))  # 00:30 on the 6th there
    add_entrance_checkin(event, second, at(2031, 5, 6, 7))
    add_entrance_checkin(event, third, at(2031, 5, 7, 7))
    add_entrance_checkin(event, third, at(2031, 5, 7, 7, 1), result="already_checked_in")
    add_entrance_checkin(event, fourth, at(2031, 5, 7, 8), undone_at=at(2031, 5, 7, 8, 1))
    add_entrance_checkin(event, fourth, at(2031, 5, 7, 9), result="not_confirmed")

    arrivals = statistics.arrivals(event, expected=4)

    assert (arrivals.tally.arrived, arrivals.tally.expected, arrivals.tally.percent) == (3, 4, 75)
    assert arrivals.per_day == [(date(2031, 5, 6), 2), (date(2031, 5, 7), 1)]


def test_a_delegate_cancelled_after_arriving_is_neither_expected_nor_counted(app, event):
    """The dashboard counts arrivals as the arrivals board does: among the confirmed."""
    stayed, left = (add_registration(event, at(2031, 1, 10, 9)) for _ in range(2))
    add_entrance_checkin(event, stayed, at(2031, 5, 6, 7))
    add_entrance_checkin(event, left, at(2031, 5, 6, 8))
    left.status = "cancelled"
    db.session.commit()

    arrivals = statistics.arrivals(event, expected=1)

    assert (arrivals.tally.arrived, arrivals.tally.percent) == (1, 100)


# --- charts --------------------------------------------------------------------------


def test_bars_grow_from_the_reading_side():
    rows = [ChartRow("Greece", 30), ChartRow("Mexico", 15), ChartRow("Egypt", 0)]
    ltr, rtl = charts.bar_chart(rows, "ltr"), charts.bar_chart(rows, "rtl")
    longest = charts.LONGEST_BAR  # in percent of the width

    assert [(bar.x, bar.width) for bar in ltr.bars] == [(0, longest), (0, longest / 2), (0, 0)]
    assert [(bar.x + bar.width, bar.width) for bar in rtl.bars] == [
        (100, longest),
        (100, longest / 2),
        (100, 0),
    ]
    assert (ltr.label_x, rtl.label_x) == (0, 100)
    assert (ltr.bars[1].value_x, rtl.bars[1].value_x) == (longest / 2, 100 - longest / 2)
    assert ltr.value_gap == -rtl.value_gap > 0  # values stand clear of the bar's end
    assert ltr.height == 3 * charts.ROW


def test_bars_with_a_limit_show_their_share_of_it():
    chart = charts.bar_chart([ChartRow("Full", 40, 40), ChartRow("Quarter", 10, 40)])
    assert [bar.width for bar in chart.bars] == [chart.track_width, chart.track_width / 4]
    tiny = charts.bar_chart([ChartRow("Many", 10_000), ChartRow("One", 1)])
    assert 0 < tiny.bars[1].width < 1  # one among thousands still shows


def test_value_axis_uses_round_steps():
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(9_876) == [0, 2_000, 4_000, 6_000, 8_000, 10_000]


def test_time_runs_in_the_reading_direction():
    days = [date(2031, 3, day) for day in range(1, 21)]
    values = list(range(20))
    ltr = charts.time_chart(days, values, str, "ltr")
    rtl = charts.time_chart(days, values, str, "rtl")

    assert len(ltr.day_ticks) == charts.DAY_TICKS
    assert (ltr.day_ticks[0].label, ltr.day_ticks[-1].label) == ("2031-03-01", "2031-03-20")
    assert ltr.day_ticks[0].x < ltr.day_ticks[-1].x
    assert [tick.anchor for tick in ltr.day_ticks[-2:]] == ["middle", "end"]  # not past the edge
    assert rtl.day_ticks[0].x == charts.WIDTH - ltr.day_ticks[0].x > rtl.day_ticks[-1].x
    assert ltr.columns[0].height == 0 and ltr.columns[-1].height > 0
    assert ltr.end == (ltr.day_ticks[-1].x, ltr.columns[-1].y)


def test_a_single_day_still_draws():
    chart = charts.time_chart([date(2031, 3, 1)], [3], str)
    assert len(chart.columns) == 1 and chart.columns[0].height > 0
    assert chart.end[0] == (charts.PLOT_START + charts.PLOT_END) / 2


# --- the page ------------------------------------------------------------------------


@pytest.fixture
def busy_event(event):
    for day, country, category in [
        (10, "GR", "mayor"),
        (10, "GR", "city_official"),
        (12, "MX", "mayor"),
        (13, "AQ", "press"),
    ]:
        add_registration(event, at(2031, 1, day, 9), country=country, category=category)
    add_registration(event, at(2031, 1, 13, 10), status="pending", needs_visa_letter=True)
    add_session(event, "Mayors' forum", capacity=30)
    return event


def test_the_page_shows_the_figures_as_charts_and_tables(client, busy_event):
    page = organiser_page(client, busy_event)

    assert page.count('<svg class="chart ') == 7  # two over time, four, sessions
    assert 'direction="ltr"' in page and 'direction="rtl"' not in page
    assert "Greece: 3." in page  # the delegate waiting for approval counts too
    assert "Mexico: 1." in page
    assert "Europe and North America: 3." in page
    assert "Region not known: 1." in page
    assert "Mayor: 2." in page
    assert "Pending approval: 1." in page
    assert "Mayors&#39; forum: 0 of 30." in page
    assert "5 registrations received from Jan 10, 2031 to Jan 13, 2031." in page
    assert "At most 2 new registrations in one day, on Jan 10, 2031." in page
    assert "1 delegate asked for a visa letter that is not approved yet." in page
    assert "4 places left" not in page and "No limit on the number of places." in page
    assert "<summary>Figures</summary>" in page
    assert "Arrivals per day" not in page  # no one has checked in yet


def test_arrivals_show_once_check_in_has_started(client, busy_event):
    delegate = add_registration(busy_event, at(2031, 1, 20, 9))
    add_entrance_checkin(busy_event, delegate, at(2031, 5, 6, 7))
    page = organiser_page(client, busy_event)
    assert "1 of 5 confirmed delegates have arrived (20%)." in page
    assert "May 6: 1." in page


def test_in_persian_the_page_and_its_charts_read_right_to_left(client, busy_event):
    page = organiser_page(client, busy_event, locale="fa")

    assert 'dir="rtl"' in page
    assert page.count('direction="rtl"') == 7 and 'direction="ltr"' not in page
    assert "یونان" in page  # Greece, as Babel names it in Persian
    assert "اروپا و آمریکای شمالی" in page


def test_an_empty_event_renders_without_charts(client, event):
    page = organiser_page(client, event)
    assert "No one has registered yet." in page
    assert "No session has a limited number of seats." in page
    assert "<svg" not in page


def test_the_page_costs_the_same_queries_however_many_registrations(client, app, busy_event):
    queries = []
    count = lambda *args: queries.append(args[2])  # noqa: E731
    organiser_page(client, busy_event)
    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get(f"/organiser/{busy_event.slug}/")
        few = len(queries)
        for number in range(20):
            add_registration(
                busy_event,
                at(2031, 2, 1 + number, 9),
                country=("FR", "CN", "BR", "IR", "KE")[number % 5],
                category=("ngo", "press", "mayor")[number % 3],
            )
        for number in range(3):
            add_session(busy_event, f"Workshop {number}", capacity=10)
        queries.clear()
        client.get(f"/organiser/{busy_event.slug}/")
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    assert len(queries) == few


def test_only_the_events_organisers_see_it(client, event):
    url = f"/organiser/{event.slug}/"
    assert client.get(url).status_code == 302  # to the log-in page
    make_staff(event, "desk", "desk@staff.example")
    log_in(client, "desk@staff.example")
    assert client.get(url).status_code == 403
    other = make_event(slug="other")
    make_staff(other, "organiser", "elsewhere@staff.example")
    log_in(client, "elsewhere@staff.example")
    assert client.get(url).status_code == 403
