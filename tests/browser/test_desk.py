"""The check-in desk as a volunteer meets it, in a real Chromium: a USB scanner typing
badge codes into the focused field, the search for a delegate without a badge, undoing
a mistake, a desk that loses the network and catches up when it returns, and the
camera reading a printed badge.

The volunteer logs in through the staff log-in form; answers are read off the screen
(their words, the delegate's name, the colour of the screen) and, where it matters,
the database says what was recorded."""

from itertools import pairwise

import pytest
from sqlalchemy import select

from confreg.badges import issue_token
from confreg.badges.service import render_badges
from confreg.checkin.models import CheckIn
from confreg.checkin.views import camera_available
from confreg.extensions import db
from confreg.registration.models import Registration
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.browser.fake_camera import pdf_page_image, write_y4m
from tests.conftest import STAFF_PASSWORD, make_staff, register

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed; browser tests skipped"
).expect

pytestmark = pytest.mark.browser

DESK_EMAIL = "desk@staff.example"
ATHANASIOS = ("Αθανάσιος Καρπουχτσής", "Athanasios Karpouchtsis")
MARYAM = ("مریم احمدی", "Maryam Ahmadi")
#: The colours the whole screen takes: green, amber, red.
GREEN, AMBER, RED = "rgb(30, 123, 52)", "rgb(224, 161, 0)", "rgb(180, 35, 24)"
UNKNOWN_BADGE = "Unknown badge: this code is not one of this event's badges."


@pytest.fixture
def delegates(client, event) -> dict[str, Registration]:
    """Two confirmed delegates, Athanasios (Greek) and Maryam (Persian), and a desk
    volunteer."""
    make_staff(event, "desk", DESK_EMAIL)
    register(client, event)
    register(
        client,
        event,
        given_name="مریم",
        family_name="احمدی",
        latin_given_name="Maryam",
        latin_family_name="Ahmadi",
        email="maryam@isfahan.example",
        organisation="شهرداری اصفهان",
        city="Isfahan",
        country="IR",
    )
    athanasios, maryam = db.session.scalars(select(Registration).order_by(Registration.id))
    assert athanasios.status == maryam.status == "confirmed"
    return {"athanasios": athanasios, "maryam": maryam}


def open_desk(page, event, desk_label: str = "Hall A"):
    """Logs the volunteer in through the form, opens the desk and waits until the desk
    keeps its own copy of the delegate list (what it judges badges by offline)."""
    page.goto("/staff/login")
    page.get_by_label("E-mail address").fill(DESK_EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/staff/")
    page.goto(f"/desk/{event.slug}/")
    page.wait_for_function(
        "slug => localStorage.getItem(`confreg.desk.${slug}.snapshot`)", arg=event.slug
    )
    if desk_label:
        page.get_by_label("This desk").fill(desk_label)
        page.get_by_label("Scan a badge").focus()
    expect(page.get_by_label("Scan a badge")).to_be_focused()
    return page


def scan(page, code: str) -> None:
    """What a USB scanner does: types the code wherever the focus is, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def expect_answer(page, colour: str, verdict: str, name: str = "", latin: str = ""):
    """The answer fills the screen in `colour`, with the verdict and the delegate."""
    answer = page.locator("#answer")
    expect(answer).to_be_visible()
    expect(answer.locator(".answer-verdict")).to_have_text(verdict)
    expect(answer).to_have_css("background-color", colour)
    expect(answer.locator(".answer-name")).to_have_text(name)
    expect(answer.locator(".answer-latin")).to_have_text(latin)
    viewport = page.viewport_size
    covered = answer.bounding_box()
    assert (covered["width"], covered["height"]) == (viewport["width"], viewport["height"])
    return answer


def checkins() -> list[tuple[str | None, str, bool]]:
    """(delegate's Latin given name, result, undone) of every recorded check-in, in
    the order recorded."""
    db.session.remove()  # the live server wrote them from its own threads
    rows = db.session.execute(
        select(Registration.latin_given_name, CheckIn.result, CheckIn.undone_at)
        .join(Registration, CheckIn.registration_id == Registration.id, isouter=True)
        .order_by(CheckIn.id)
    )
    return [(name, result, undone is not None) for name, result, undone in rows]


def test_a_scanned_badge_checks_in_and_a_second_scan_says_where(new_page, event, delegates):
    page = open_desk(new_page(), event)
    token = issue_token(delegates["athanasios"])

    scan(page, token)
    answer = expect_answer(page, GREEN, "Checked in", *ATHANASIOS)
    expect(answer.locator(".answer-message")).to_have_text("Checked in. Welcome!")

    scan(page, token)
    answer = expect_answer(page, AMBER, "Already checked in", *ATHANASIOS)
    expect(answer.locator(".answer-message")).to_contain_text("at Hall A")
    assert checkins() == [("Athanasios", "ok", False), ("Athanasios", "already_checked_in", False)]


def test_an_unknown_code_is_refused_and_the_next_scan_works_at_once(new_page, event, delegates):
    page = open_desk(new_page(), event)
    scan(page, "NOT-A-BADGE-12345")
    answer = expect_answer(page, RED, "Refused")
    expect(answer.locator(".answer-message")).to_have_text(UNKNOWN_BADGE)
    expect(answer.get_by_role("button", name="Undo this check-in")).to_be_hidden()
    expect(page.get_by_label("Scan a badge")).to_be_focused()

    scan(page, issue_token(delegates["maryam"]))
    expect_answer(page, GREEN, "Checked in", *MARYAM)
    assert checkins() == [(None, "invalid", False), ("Maryam", "ok", False)]


def test_a_delegate_without_a_badge_is_found_by_name_and_checked_in(new_page, event, delegates):
    page = open_desk(new_page(), event)
    page.get_by_label("Name in any script").fill("karpouchtsis")
    found = page.locator("#results li")
    expect(found).to_have_count(1)
    expect(found).to_contain_text(ATHANASIOS[0])
    expect(found).to_contain_text(ATHANASIOS[1])
    found.get_by_role("button", name="Check in").click()
    expect_answer(page, GREEN, "Checked in", *ATHANASIOS)
    expect(page.get_by_label("Scan a badge")).to_be_focused()
    assert checkins() == [("Athanasios", "ok", False)]


def test_undo_takes_a_check_in_back_and_the_badge_checks_in_again(new_page, event, delegates):
    page = open_desk(new_page(), event)
    token = issue_token(delegates["athanasios"])
    scan(page, token)
    answer = expect_answer(page, GREEN, "Checked in", *ATHANASIOS)
    answer.get_by_role("button", name="Undo this check-in").click()
    expect(answer.locator(".answer-message")).to_have_text("Check-in undone.")
    expect(answer.get_by_role("button", name="Undo this check-in")).to_be_hidden()

    scan(page, token)
    expect_answer(page, GREEN, "Checked in", *ATHANASIOS)
    assert checkins() == [("Athanasios", "ok", True), ("Athanasios", "ok", False)]


def test_an_offline_desk_judges_badges_itself_and_sends_them_when_back(new_page, event, delegates):
    page = open_desk(new_page(), event)
    athanasios, maryam = (issue_token(delegates[name]) for name in ("athanasios", "maryam"))
    page.context.set_offline(True)

    scan(page, athanasios)
    expect_answer(page, GREEN, "Checked in", *ATHANASIOS)
    scan(page, maryam)
    expect_answer(page, GREEN, "Checked in", *MARYAM)
    scan(page, athanasios)
    answer = expect_answer(page, AMBER, "Already checked in", *ATHANASIOS)
    expect(answer.locator(".answer-message")).to_contain_text("at Hall A")
    answer.get_by_role("button", name="Next").click()

    expect(page.locator("#connection")).to_have_text(
        "Offline: scans are judged here and sent later"
    )
    expect(page.get_by_text("Scans waiting to be sent: 3")).to_be_visible()
    assert checkins() == []
    # The search goes on from the desk's own copy of the list.
    page.get_by_label("Name in any script").fill("ahmadi")
    expect(page.locator("#results li")).to_contain_text(MARYAM[0])

    with page.expect_response("**/checkins/batch") as sent:
        page.context.set_offline(False)
    assert sent.value.ok
    expect(page.locator("#connection")).to_have_text("Online")
    expect(
        page.get_by_text("Queued scans sent: 3. Already checked in elsewhere: 0.")
    ).to_be_visible()
    expect(page.get_by_text("Scans waiting to be sent")).to_have_count(0)
    # Recorded in the order scanned: one check-in each, and the repeat as a repeat.
    assert checkins() == [
        ("Athanasios", "ok", False),
        ("Maryam", "ok", False),
        ("Athanasios", "already_checked_in", False),
    ]


def test_a_delegate_let_in_just_before_the_network_drops_is_known_offline(
    new_page, event, delegates
):
    page = open_desk(new_page(), event)
    token = issue_token(delegates["athanasios"])
    scan(page, token)
    expect_answer(page, GREEN, "Checked in", *ATHANASIOS)
    page.context.set_offline(True)
    scan(page, token)
    answer = expect_answer(page, AMBER, "Already checked in", *ATHANASIOS)
    expect(answer.locator(".answer-message")).to_contain_text("at Hall A")


@pytest.fixture
def badge_film(event, delegates, tmp_path):
    """A camera filming Athanasios's printed badge, held up whole in the middle."""
    if not camera_available():
        pytest.skip("node_modules/qr-scanner is missing (npm ci): no camera scanning")
    badge = render_badges(event, [delegates["athanasios"]])
    return write_y4m(pdf_page_image(badge, height=360), tmp_path / "badge.y4m")


@pytest.fixture
def camera_browser(browser, badge_film):
    """A Chromium of its own whose camera films the badge, with the permission given."""
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={badge_film}",
        ],
    )
    yield camera
    camera.close()


@pytest.fixture
def camera_page(camera_browser, live_server):
    context = camera_browser.new_context(
        base_url=live_server, locale="en-GB", permissions=["camera"]
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_the_camera_reads_a_printed_badge_and_checks_the_delegate_in(
    camera_page, event, delegates, screenshots
):
    page = open_desk(camera_page, event)
    page.get_by_role("button", name="Use the camera").click()
    expect(page.get_by_role("button", name="Use the camera")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect_answer(page, GREEN, "Checked in", *ATHANASIOS)
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#camera")).to_be_visible()
    page.screenshot(path=screenshots / "desk-en-desktop-camera.png", full_page=True)
    # Still held in front of the camera, the badge is not read as a second scan.
    page.wait_for_timeout(3500)
    expect(page.locator("#answer")).to_be_hidden()
    assert checkins() == [("Athanasios", "ok", False)]


# --- how it looks ---------------------------------------------------------------------

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, f"{locator} is not rendered"
    return found | {"right": found["x"] + found["width"], "bottom": found["y"] + found["height"]}


def assert_on_screen(page, locator):
    """Inside the window without scrolling, and nothing covers it."""
    viewport, where = page.viewport_size, box(locator)
    assert where["x"] >= 0 and where["right"] <= viewport["width"] + 1, where
    assert where["y"] >= 0 and where["bottom"] <= viewport["height"] + 1, where
    on_top = locator.evaluate(
        """element => {
            const r = element.getBoundingClientRect();
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return element === hit || element.contains(hit);
        }"""
    )
    assert on_top, f"something covers {locator}"


def assert_in_reading_order(parts, rtl: bool):
    """Parts side by side follow the page's direction: the first on the right in
    right-to-left pages."""
    boxes = [box(part) for part in parts.all()]
    assert len(boxes) >= 2, parts
    for first, second in pairwise(boxes):
        if abs(first["y"] - second["y"]) < 4:
            assert (first["x"] > second["x"]) == rtl, (first, second)


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_the_desk_reads_well_on_a_phone_and_a_desktop(
    new_page, live_server, event, delegates, screenshots, locale
):
    """Screenshots of every state (desk-LOCALE-WIDTH-STATE.png) to look at, and what a
    reader checks: nothing wider than a phone, the answer and its buttons on screen,
    the scan button after the field and mixed-script lines in the page's direction."""
    rtl = locale == "fa"
    page = open_desk(new_page(viewport=WIDTHS["desktop"]), event)
    if locale != "en":
        page.context.add_cookies([{"name": "confreg_locale", "value": locale, "url": live_server}])
        page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if rtl else "ltr")
    answer = page.locator("#answer")

    def look(state: str):
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            page.screenshot(
                path=screenshots / f"desk-{locale}-{width}-{state}.png",
                full_page=not answer.is_visible(),
            )
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{state} is wider than the {width}"
            if answer.is_visible():
                assert_on_screen(page, answer.locator(".answer-panel"))
                assert_on_screen(page, answer.locator(".answer-next"))
                if answer.locator(".answer-where span").count() > 1:
                    assert_in_reading_order(answer.locator(".answer-where span"), rtl)
            else:
                field, button = box(page.locator("#scan")), box(page.locator("#scan-form button"))
                assert abs(field["y"] - button["y"]) < 1, "the scan button is not beside the field"
                assert (button["x"] < field["x"]) == rtl

    look("idle")
    page.locator("#search").fill("ahmadi")
    expect(page.locator("#results li")).to_contain_text(MARYAM[0])
    assert_in_reading_order(page.locator("#results li .hint span"), rtl)
    look("search")
    page.locator("#search").fill("")
    page.locator("#scan").focus()

    token = issue_token(delegates["athanasios"])
    scan(page, token)
    expect(answer).to_have_css("background-color", GREEN)
    look("green")
    scan(page, token)
    expect(answer).to_have_css("background-color", AMBER)
    look("amber")
    scan(page, "NOT-A-BADGE")
    expect(answer).to_have_css("background-color", RED)
    look("red")

    page.locator(".answer-next").click()
    page.context.set_offline(True)
    scan(page, issue_token(delegates["maryam"]))
    expect(answer).to_have_css("background-color", GREEN)
    look("offline-green")
    page.locator(".answer-next").click()
    expect(page.locator("#queued")).to_be_visible()
    look("offline")
    with page.expect_response("**/checkins/batch"):
        page.context.set_offline(False)
