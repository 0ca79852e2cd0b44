"""The delegate's pages as people see them in Persian, Arabic, Chinese and Greek, on a
phone and on a desktop: full-page screenshots to look at, and the checks a reader
would make: nothing wider than the screen, the right direction, the heading and the
submit button in reach, labels and menus starting on the right in right-to-left
pages, and Latin names and addresses kept in their own direction there.

The screenshots go to the directory in CONFREG_SCREENSHOTS, else to pytest's
temporary directory; each is named locale-width-page.png."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from confreg.events.models import Enrolment, ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.registration.links import manage_token
from confreg.registration.models import Registration
from tests.conftest import STAFF_PASSWORD, make_event, make_staff, register

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed; browser tests skipped"
).expect

pytestmark = pytest.mark.browser

RTL = {"ar", "fa"}
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
NINE_IN_LJUBLJANA = datetime(2031, 5, 6, 7, 0, tzinfo=UTC)


def _people(given, family, latin_given, latin_family, organisation, city, country, email):
    return dict(
        given_name=given, family_name=family, latin_given_name=latin_given,
        latin_family_name=latin_family, organisation=organisation, city=city, country=country,
        email=email, job_title="",
    )  # fmt: skip


#: What an organiser and a delegate would type in each language: the event's name,
#: two tracks, session titles (parallel ones first) and the delegate, whose Latin name,
#: city and long e-mail address sit inside sentences of the page's script.
CONTENT = {
    "fa": {
        "event": "دومین همایش بین‌المللی شهرهای یادگیرنده",
        "tracks": ("نشست عمومی", "آسیا و اقیانوسیه"),
        "sessions": (
            "شهرهای یادگیرنده و توسعهٔ پایدار",
            "آموزش مادام‌العمر برای همه",
            "گفت‌وگوی شهرداران",
            "شهرهای سالم، شهرهای سبز",
            "سواد دیجیتال برای بزرگسالان",
            "جمع‌بندی و بیانیهٔ پایانی",
        ),
        "delegate": _people(
            "مریم",
            "احمدی",
            "Maryam",
            "Ahmadi",
            "شهرداری اصفهان",
            "Isfahan",
            "IR",
            "maryam.ahmadi.lifelong-learning@isfahan-municipality.example",
        ),
    },
    "ar": {
        "event": "المؤتمر الدولي الثاني لمدن التعلم",
        "tracks": ("الجلسة العامة", "الدول العربية"),
        "sessions": (
            "مدن التعلم والتنمية المستدامة",
            "التعلم مدى الحياة للجميع",
            "منتدى رؤساء البلديات",
            "مدن صحية، مدن خضراء",
            "محو الأمية الرقمية للكبار",
            "الجلسة الختامية والإعلان",
        ),
        "delegate": _people(
            "ليلى",
            "الحسيني",
            "Layla",
            "Al-Husseini",
            "أمانة عمّان الكبرى",
            "Amman",
            "JO",
            "layla.alhusseini.lifelonglearning@greaterammanmunicipality.example",
        ),
    },
    "zh": {
        "event": "第二届国际学习型城市大会",
        "tracks": ("全体会议", "亚太地区"),
        "sessions": (
            "学习型城市与可持续发展",
            "全民终身学习",
            "市长论坛",
            "健康城市，绿色城市",
            "成人数字素养",
            "闭幕式与宣言",
        ),
        "delegate": _people(
            "芳",
            "王",
            "Fang",
            "Wang",
            "北京市教育委员会",
            "Beijing",
            "CN",
            "wang.fang.lifelong-learning@beijing-education-commission.example",
        ),
    },
    "el": {
        "event": "Δεύτερο Διεθνές Συνέδριο για τις Πόλεις Μάθησης",
        "tracks": ("Ολομέλεια", "Ευρώπη"),
        "sessions": (
            "Πόλεις μάθησης και βιώσιμη ανάπτυξη",
            "Διά βίου μάθηση για όλους",
            "Φόρουμ δημάρχων",
            "Υγιείς πόλεις, πράσινες πόλεις",
            "Ψηφιακός γραμματισμός ενηλίκων",
            "Καταληκτήρια συνεδρίαση",
        ),
        "delegate": _people(
            "Αθανάσιος",
            "Καρπουχτσής",
            "Athanasios",
            "Karpouchtsis",
            "Δήμος Σερρών",
            "Serres",
            "GR",
            "athanasios.karpouchtsis.lifelonglearning@dimosserron.example",
        ),
    },
}


def build_event(locale: str):
    """An event in `locale` with three parallel sessions, then two, then one; a
    confirmed delegate with a seat in the first session, and two more delegates."""
    content = CONTENT[locale]
    event = make_event(name={locale: content["event"]}, default_locale=locale)
    plenary, regional = (
        Track(event=event, kind=kind, name={locale: name}, colour=colour)
        for kind, name, colour in zip(
            ("plenary", "regional"), content["tracks"], ("#1b4f72", "#2874a6"), strict=True
        )
    )
    room = Room(event=event, name="Hall A", capacity=40)
    db.session.add_all([plenary, regional, room])
    titles = iter(content["sessions"])
    for slot, parallel in enumerate((3, 2, 1)):
        start = NINE_IN_LJUBLJANA + timedelta(hours=2 * slot)
        for number in range(parallel):
            db.session.add(
                ProgrammeSession(
                    event=event, track=regional if number else plenary, room=room,
                    title={locale: next(titles)}, starts_at=start,
                    ends_at=start + timedelta(minutes=90), capacity=30 if number else None,
                )
            )  # fmt: skip
    db.session.commit()

    client = current_app.test_client()
    client.set_cookie("confreg_locale", locale)
    delegate = content["delegate"]
    for number in range(3):
        email = delegate["email"] if number == 0 else f"delegate{number}@city.example"
        register(client, event, **delegate | {"email": email, "preferred_locale": locale})
    registration = db.session.scalar(select(Registration).order_by(Registration.id))
    first = db.session.scalar(select(ProgrammeSession).order_by(ProgrammeSession.id))
    db.session.add(
        Enrolment(session_id=first.id, registration_id=registration.id, status="enrolled")
    )
    db.session.commit()
    assert registration.status == "confirmed"
    return event, registration


# --- what a reader checks -------------------------------------------------------------


def horizontal_overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def box(locator) -> dict:
    result = locator.bounding_box()
    assert result, f"{locator} is not rendered"
    return result | {"right": result["x"] + result["width"]}


def assert_direction(page, locale: str):
    expect(page.locator("html")).to_have_attribute("lang", locale)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale in RTL else "ltr")


def assert_heading_in_view(page, viewport: dict):
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    heading_box = box(heading)
    assert heading_box["x"] >= 0 and heading_box["right"] <= viewport["width"] + 1, heading_box


def assert_reachable(page, button, viewport: dict):
    """The button is on screen once scrolled to, inside the width, and nothing covers it."""
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    expect(button).to_be_enabled()
    button_box = box(button)
    assert button_box["x"] >= 0 and button_box["right"] <= viewport["width"] + 1, button_box
    on_top = button.evaluate(
        """button => {
            const r = button.getBoundingClientRect();
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return button === hit || button.contains(hit);
        }"""
    )
    assert on_top, "something covers the button"


# The distance of each element's first line of text from its own starting edge.
_TEXT_START_OFFSETS = """(elements, rtl) => elements.filter(e => e.offsetParent).map(element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const pieces = [...range.getClientRects()].filter(rect => rect.width > 0);
    const top = Math.min(...pieces.map(rect => rect.top));
    const line = pieces.filter(rect => rect.top < top + rect.height / 2);
    const ends = {
        left: Math.min(...line.map(rect => rect.left)),
        right: Math.max(...line.map(rect => rect.right)),
    };
    const edge = element.getBoundingClientRect();
    const style = getComputedStyle(element), px = name => parseFloat(style[name]);
    const offset = rtl
        ? edge.right - px("paddingRight") - px("borderRightWidth") - ends.right
        : ends.left - edge.left - px("paddingLeft") - px("borderLeftWidth");
    return [element.textContent.trim().slice(0, 40), Math.round(offset)];
})"""


def assert_text_starts_at_the_start(page, selector: str, locale: str):
    offsets = page.locator(selector).evaluate_all(_TEXT_START_OFFSETS, locale in RTL)
    assert offsets, selector
    assert [item for item in offsets if abs(item[1]) > 2] == [], selector


def assert_form_reads_from_the_start(page, locale: str):
    """Labels, fields and check boxes on the side where reading starts; the red bar of a
    field with an error on that side too."""
    rtl = locale in RTL
    assert_text_starts_at_the_start(page, "main .field > label, main legend", locale)
    for field in page.locator("main .field:has(> label + input, > label + select)").all():
        field_box, control = box(field), box(field.locator("input, select").first)
        gap = field_box["right"] - control["right"] if rtl else control["x"] - field_box["x"]
        style = field.evaluate("f => getComputedStyle(f)")
        padding = float(style["paddingRight" if rtl else "paddingLeft"].removesuffix("px"))
        border = float(style["borderRightWidth" if rtl else "borderLeftWidth"].removesuffix("px"))
        assert abs(gap - padding - border) <= 2, field.inner_text()[:40]
    for check in page.locator("main .check").all():
        tick, label = box(check.locator("input")), box(check.locator("label"))
        assert (tick["x"] > label["x"]) == rtl, check.inner_text()[:40]
    for field in page.locator("main .field.has-error").all():
        sides = field.evaluate(
            "f => [getComputedStyle(f).borderRightWidth, getComputedStyle(f).borderLeftWidth]"
        )
        assert sides == (["4px", "0px"] if rtl else ["0px", "4px"]), field.inner_text()[:40]


def assert_typed_text_takes_its_own_direction(page):
    """Each paragraph typed into a text field takes the direction of its first letter
    (unicode-bidi: plaintext), whatever the page's: "… Learning (UIL)" typed on a
    Persian page would otherwise show as "(… Learning (UIL"."""
    fields = page.locator("main input[type=text], main textarea")
    styles = fields.evaluate_all("fields => fields.map(f => getComputedStyle(f).unicodeBidi)")
    assert styles and set(styles) == {"plaintext"}


def assert_menus_start_at_the_start(page, locale: str):
    """The site's name first in the header, and the first item of each menu in the main
    part, on the side where reading starts."""
    rtl = locale in RTL
    header, brand = box(page.locator(".site-header")), box(page.locator(".site-header .brand"))
    gap = header["right"] - brand["right"] if rtl else brand["x"] - header["x"]
    assert gap <= 17, (header, brand)  # the header's padding
    for menu in page.locator("main nav, main .actions").all():
        items = menu.locator(":scope > a, :scope > button, :scope > span").all()
        if len(items) < 2:
            continue
        first, second = box(items[0]), box(items[1])
        if abs(first["y"] - second["y"]) < 4:  # on one line
            assert (first["x"] > second["x"]) == rtl, menu.inner_text()[:60]


# Text runs of another direction inside a right-to-left sentence must be isolated, or
# the bidi algorithm carries neighbouring punctuation and numbers across them.
_NOT_ISOLATED = """(values) => {
    const isolating = new Set(["isolate", "isolate-override", "plaintext"]);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const problems = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest("script, style, select, datalist, textarea")) continue;
        for (const value of values.filter(value => node.data.includes(value))) {
            // fine when an element holding just this value isolates it or is a block
            let fine = false, e = node.data.trim() === value ? node.parentElement : null;
            for (; e && e.textContent.trim() === value && !fine; e = e.parentElement) {
                const style = getComputedStyle(e);
                fine = isolating.has(style.unicodeBidi) || style.display !== "inline";
            }
            if (!fine) problems.push([value, node.parentElement.outerHTML.slice(0, 160)]);
        }
    }
    return problems;
}"""


def assert_foreign_text_isolated(page, locale: str, values: list[str]):
    if locale in RTL:
        assert page.evaluate(_NOT_ISOLATED, values) == []


def assert_language_menu_on_one_line(page):
    """Its label, menu and button side by side, each word whole: squeezed by the menu,
    a Chinese label or button would stand one character per line."""
    menu = page.locator("#locale-menu")
    height = box(menu)["height"]
    for part in (
        page.locator("label[for=locale-menu]"),
        menu.locator("xpath=following-sibling::button"),
    ):
        assert box(part)["height"] <= height + 4, part.inner_text()


def look_at(page, screenshots: Path, locale: str, width: str, name: str, viewport: dict):
    page.screenshot(path=screenshots / f"{locale}-{width}-{name}.png", full_page=True)
    assert_direction(page, locale)
    assert_heading_in_view(page, viewport)
    if width == "phone":
        assert horizontal_overflow(page) <= 1, f"{name} is wider than the phone"
    assert_menus_start_at_the_start(page, locale)
    assert_language_menu_on_one_line(page)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", CONTENT)
def test_delegate_pages_read_well(app, live_server, new_page, screenshots, locale, width):
    event, registration = build_event(locale)
    delegate = CONTENT[locale]["delegate"]
    latin_name = f"{delegate['latin_given_name']} {delegate['latin_family_name']}"
    viewport = WIDTHS[width]
    page = new_page(viewport=viewport, locale=locale)
    page.context.add_cookies([{"name": "confreg_locale", "value": locale, "url": live_server}])

    page.goto(f"/e/{event.slug}/register")
    look_at(page, screenshots, locale, width, "register", viewport)
    assert_form_reads_from_the_start(page, locale)
    submit = page.locator("main form button[type=submit]")
    assert_reachable(page, submit, viewport)

    page.locator("#email").fill("not an address")
    page.locator("#latin_given_name").fill(delegate["latin_given_name"])
    page.locator("#organisation").fill("UNESCO Institute for Lifelong Learning (UIL)")
    submit.click()
    expect(page.get_by_role("alert")).to_be_visible()
    look_at(page, screenshots, locale, width, "register-errors", viewport)
    assert_form_reads_from_the_start(page, locale)
    assert_text_starts_at_the_start(page, "main .error-summary li, main .field .error", locale)
    assert_reachable(page, submit, viewport)
    assert_typed_text_takes_its_own_direction(page)

    page.goto(f"/e/{event.slug}/programme")
    look_at(page, screenshots, locale, width, "programme", viewport)
    expect(page.locator(".session-card")).to_have_count(6)
    first, second = (
        box(card) for card in page.locator(".slot").first.locator(".session-card").all()[:2]
    )
    if width == "desktop":  # parallel sessions side by side, the first where reading starts
        assert abs(first["y"] - second["y"]) < 1
        assert (first["x"] > second["x"]) == (locale in RTL)
    else:  # one under the other
        assert second["y"] > first["y"] + first["height"] - 1
    assert_foreign_text_isolated(page, locale, ["Hall A"])

    page.goto(f"/e/{event.slug}/manage/{manage_token(registration)}")
    look_at(page, screenshots, locale, width, "personal-page", viewport)
    expect(page.get_by_text(latin_name)).to_be_visible()
    assert_text_starts_at_the_start(page, "main dl.details dt, main dl.details dd", locale)
    assert_foreign_text_isolated(
        page, locale, [latin_name, delegate["email"], delegate["city"], event.contact_email]
    )
    assert_reachable(page, page.locator("main .session-choice button").first, viewport)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", sorted(RTL))
def test_organisers_delegate_list_reads_well(
    app, live_server, new_page, screenshots, locale, width, monkeypatch
):
    event, _registration = build_event(locale)
    monkeypatch.setitem(app.config, "DELEGATES_PER_PAGE", 1)
    make_staff(event, "organiser")
    viewport = WIDTHS[width]
    page = new_page(viewport=viewport, locale=locale)
    page.context.add_cookies([{"name": "confreg_locale", "value": locale, "url": live_server}])
    page.goto("/staff/login")
    look_at(page, screenshots, locale, width, "login", viewport)
    page.locator("#email").fill("organiser@staff.example")
    page.locator("#password").fill(STAFF_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/")
    look_at(page, screenshots, locale, width, "my-events", viewport)

    page.goto(f"/organiser/{event.slug}/delegates?page=2")
    look_at(page, screenshots, locale, width, "delegates", viewport)
    pagination = page.locator("nav.pagination")
    expect(pagination.locator("a")).to_have_count(2)
    previous, following = (
        box(pagination.locator("a[rel=prev]")),
        box(pagination.locator("a[rel=next]")),
    )
    if abs(previous["y"] - following["y"]) < 4:  # previous where reading starts
        assert (previous["x"] > following["x"]) == (locale in RTL)
    delegate = CONTENT[locale]["delegate"]
    latin_name = f"{delegate['latin_given_name']} {delegate['latin_family_name']}"
    assert_foreign_text_isolated(page, locale, [latin_name, delegate["city"]])


def test_the_checks_catch_a_page_not_made_for_right_to_left(page):
    page.set_content(
        """<html lang="fa" dir="rtl"><body><main>
        <label style="display: block; text-align: left">نشانی ایمیل</label>
        <p>به نشانی maryam@isfahan.example بنویسید.</p>
        <p>به نشانی <bdi>ali@kermanshah.example</bdi> بنویسید.</p>
        </main></body></html>"""
    )
    with pytest.raises(AssertionError):
        assert_text_starts_at_the_start(page, "main label", "fa")
    assert_text_starts_at_the_start(page, "main p", "fa")
    with pytest.raises(AssertionError):
        assert_foreign_text_isolated(page, "fa", ["maryam@isfahan.example"])
    assert_foreign_text_isolated(page, "fa", ["ali@kermanshah.example"])
