"""A real Chromium (Debian's, driven by Playwright) against the app served on loopback.

Browser tests run once, on SQLite: the server-side behaviour they exercise is covered
on every backend by the tests that use Flask's test client."""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Longest wait for any one page or element; a test takes a few seconds in all.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; each test gets a context (cookies, locale,
    viewport) of its own."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed; browser tests skipped"
    )
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def live_server(app, request):
    """The test's app on a free loopback port (see tests/conftest.py's server_url)."""
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("browser tests run once, on SQLite")
    return request.getfixturevalue("server_url")


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a new browser context (options as for `browser.new_context`,
    e.g. locale="fa-IR" or viewport=...); every context is closed after the test."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(**{"base_url": live_server, "locale": "en-GB"} | options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in an English-speaking browser with a laptop-sized window."""
    return new_page()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where tests keep the screenshots people look at: CONFREG_SCREENSHOTS, else a
    temporary folder."""
    if configured := os.environ.get("CONFREG_SCREENSHOTS"):
        directory = Path(configured)
        directory.mkdir(parents=True, exist_ok=True)
        return directory
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(autouse=True)
def failure_screenshots(screenshots) -> Path:
    """Where the page of a failing test is photographed (see pytest_runtest_makereport)."""
    return screenshots / "failures"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, a full-page screenshot of every page it still has open,
    taken before its fixtures close them; their paths and addresses go into the failure
    report, so that the CI log says where to look."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "teardown" or not report.failed:
        return
    directory = item.funcargs.get("failure_screenshots")
    if directory is None:
        return
    pages = _open_pages(item.funcargs.values())
    lines = [
        _screenshot(page, directory, item.nodeid, number)
        for number, page in enumerate(pages, start=1)
    ]
    if lines:
        report.sections.append(("failure screenshots", "\n".join(lines)))


def _open_pages(values) -> list:
    """The open pages of the browsers, contexts and pages among a test's fixture values."""
    try:
        from playwright.sync_api import Browser, BrowserContext, Page
    except ImportError:
        return []
    found: dict[int, Page] = {}
    for value in values:
        contexts = value.contexts if isinstance(value, Browser) else [value]
        for context in contexts:
            pages = context.pages if isinstance(context, BrowserContext) else [context]
            for page in pages:
                if isinstance(page, Page) and not page.is_closed():
                    found.setdefault(id(page), page)
    return list(found.values())


def _screenshot(page, directory: Path, nodeid: str, number: int) -> str:
    name = re.sub(r"[^\w.-]+", "_", nodeid).strip("_")[-150:]
    path = directory / f"{name}-{number}.png"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=path, full_page=True, timeout=TIMEOUT_MS)
    except Exception as error:  # a crashed page must not hide the test's own failure
        return f"page {number} at {page.url}: no screenshot ({error})"
    return f"page {number} at {page.url}: {path}"
