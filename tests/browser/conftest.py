"""Real parts: a real `streamlit run asgi.py` on a free port against a temp SQLite file, and
Debian's chromium driven by Playwright (no Playwright browser download)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from companion import db as dbmod
from companion import programme
from companion.ops import demo
from companion.people import patients
from harness import server as harness_server
from harness.chromium import ARGS, CHROMIUM, DESKTOP, PHONE, sign_in
from harness.server import Server, stop_server
from tests.conftest import ROOT

__all__ = ["ARGS", "CHROMIUM", "DESKTOP", "PHONE", "Server", "sign_in", "stop_server"]

SHOTS = ROOT / "tests" / "browser" / "screenshots"

T = 20_000  # ms each wait may take: generous for a cold server on a busy CI machine


def pytest_collection_modifyitems(items):
    for item in items:  # every test in this folder is a browser test (`-m "not browser"`)
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise pytest.UsageError(f"CI needs chromium at {CHROMIUM} for the browser tests")
        skip = pytest.mark.skip(reason=f"no chromium at {CHROMIUM} (make test installs it)")
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(skip)


SERVER_LOGS: list[Path] = []  # every server this worker started, for failure reports


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser test shows the tracebacks its servers logged (the page only says
    "This app has encountered an error": the details are redacted there, as they should be)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for log in SERVER_LOGS:
        text = log.read_text(errors="replace") if log.exists() else ""
        if "Traceback" in text:
            start = text.find("Traceback")
            report.sections.append((f"server log {log}", text[start : start + 6000]))


DATABASES: dict[str, Path] = {}  # each running server's address -> its database file


def start_server(db_path: Path, log: Path) -> Server:
    """``harness.server.start_server``, its log kept for this worker's failure reports."""
    SERVER_LOGS.append(log)
    server = harness_server.start_server(db_path, log)
    DATABASES[server.url] = db_path
    return server


def enter(page, url: str, username: str, *, path: str = "/") -> None:
    """Open the app at ``url`` (at ``path``) already signed in as ``username``: a session is
    made in the server's database and its cookie set, as the sign-in form's answer sets it.
    For journeys about something else, so each skips one page load; signing in itself is
    walked through the form, as a person types it, in test_foundation, test_security,
    test_two_step, the sign-up journeys and the admin's password reset."""
    from companion import config
    from companion.auth import accounts, sessions

    database = dbmod.connect(DATABASES[url])
    try:
        user = accounts.find_user_by_username(database, username)
        assert user is not None, f"no account {username!r} on {url}"
        token = sessions.create(database, user)
    finally:
        database.close()
    cookie = {"name": config.SESSION_COOKIE, "value": token, "url": url, "httpOnly": True}
    page.context.add_cookies([{**cookie, "sameSite": "Lax"}])
    page.goto(url + path)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[tuple[Server, dict[str, str]]]:
    """A server on a demo programme; yields it with {username: password}."""
    yield from own_demo_server(tmp_path_factory, "demo-server", seed=11, teens=4)


def own_demo_server(
    tmp_path_factory, name: str, *, seed: int, teens: int, history: bool = True, **more
) -> Iterator[tuple[Server, dict[str, str]]]:
    """A server on a demo programme of its own, for a module whose tests change what others
    read (``yield from`` it in a module-scoped fixture); yields it with {username: password}.
    ``more`` goes to ``demo.create_demo`` (days, visits, ...)."""
    folder = tmp_path_factory.mktemp(name)
    db_path = folder / "companion.db"
    database = dbmod.connect(db_path, migrate=True)
    made = demo.create_demo(database, seed=seed, teens=teens, history=history, **more)
    database.close()
    server = start_server(db_path, folder / "server.log")
    yield server, {a.username: a.password for a in made.accounts}
    stop_server(server)


def settled(page) -> None:
    """Wait until no script run is in flight: Streamlit marks its app element with the run's
    state. A tap made while a run is redrawing the page can fall on an element that is being
    replaced (a Start button, a download link); a person taps what they see once it is still."""
    from playwright.sync_api import expect

    app = page.locator("[data-testid=stApp]")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=T)
    expect(page.locator("[data-stale=true]")).to_have_count(0, timeout=T)


def choose(page, box: str, option: str) -> None:
    """Tap a select box, then the option in its list, once the page is still. A tap on a box
    far down the page now and then focused it without opening the list (seen at 1280 px on
    the Outcomes and patient pages); a person then taps again, and so does this."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    settled(page)
    combobox = page.get_by_role("combobox", name=box, exact=True)
    for _ in range(3):
        combobox.click()
        try:
            expect(page.get_by_role("listbox")).to_be_visible(timeout=3000)
            break
        except (AssertionError, PlaywrightTimeout):
            page.keyboard.press("Escape")
    page.get_by_role("option", name=option, exact=True).click()
    settled(page)


def tap_again_if_lost(page, button, shows, *, wait_ms: int = 6000) -> None:
    """Tap ``button`` until ``shows`` appears, at most three times, as a person taps again
    when nothing happens. On this 2-core machine under the full suite a tap on the pacer's
    Start was now and then lost (the page was settled and connected; never seen in runs on
    their own): a known problem, not yet understood, kept visible here rather than hidden
    by a longer wait."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    for _ in range(2):
        settled(page)
        button.click()
        try:
            expect(shows).to_be_visible(timeout=wait_ms)
            return
        except (AssertionError, PlaywrightTimeout):
            print("a tap was lost; tapping again")
    settled(page)
    button.click()
    expect(shows).to_be_visible(timeout=T)


def tap_until_saved(page, button, count, *, wait_ms: int = 6000) -> None:
    """Tap ``button`` until ``count()`` (the rows the tap saves, read from the server's
    database) goes up by exactly one. Tap again, at most three times in all, only while
    nothing was saved: a lost tap (see ``tap_again_if_lost``) is retried as a person would,
    but a tap that saved is never repeated, so a double save cannot hide."""
    import time

    before = count()
    for attempt in range(3):
        settled(page)
        button.click()
        deadline = time.monotonic() + (wait_ms if attempt < 2 else T) / 1000
        while time.monotonic() < deadline:
            now = count()
            if now != before:
                assert now == before + 1, f"one tap saved {now - before} rows"
                return
            page.wait_for_timeout(200)
        print("a tap was lost; tapping again")
    raise AssertionError("three taps saved nothing")


def typed(box, value: str) -> None:
    """Type into a box and leave it with Tab, as a person does (Streamlit keeps a typed value
    when the box loses focus)."""
    box.fill(value)
    box.press("Tab")


def saved_rows(server, sql: str, params=()) -> list[dict]:
    """What the server's database holds now, on a connection of its own (as a restart would
    read it): what a journey checks after the screen said it was saved."""
    database = dbmod.connect(server.db_path)
    try:
        return list(database.query(sql, list(params)))
    finally:
        database.close()


def forget_days(database, patient_id: int, days) -> None:
    """Delete a teen's check-ins (and their exercise ticks and coping uses) on ``days``, so a
    journey starts on days not logged yet."""
    for day in (d.isoformat() for d in days):
        database.execute(
            "DELETE FROM exercise_outcomes WHERE checkin_id IN"
            " (SELECT id FROM checkins WHERE patient_id = ? AND day = ?)",
            [patient_id, day],
        )
        for table in ("checkins", "coping_uses"):
            database.execute(
                f"DELETE FROM {table} WHERE patient_id = ? AND day = ?", [patient_id, day]
            )


def unlogged_teen_server(tmp_path_factory, name: str, *, days_back: tuple[int, ...] = (0,)):
    """A demo programme (seed 7, two teens, with history) in which Maya has not logged the
    days ``days_back`` before today (0: today). Yields the server, {username: password},
    Maya's patient record and the programme's today."""
    folder = tmp_path_factory.mktemp(name)
    db_path = folder / "companion.db"
    database = dbmod.connect(db_path, migrate=True)
    made = demo.create_demo(database, seed=7, teens=2)
    user_id = database.execute("SELECT id FROM users WHERE username = 'maya'").fetchone()[0]
    patient = patients.find_patient_for_user(database, user_id)
    today = programme.local_today(programme.get_settings(database))
    forget_days(database, patient.id, [today - timedelta(days=n) for n in days_back])
    database.close()
    server = start_server(db_path, folder / "server.log")
    yield server, {a.username: a.password for a in made.accounts}, patient, today
    stop_server(server)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


_KEPT: dict[str, object] = {}  # this worker's browser context per viewport, kept between tests


def _fresh_page(browser, kind: str, options: dict):
    """A new tab in a context this worker keeps, which holds nothing from the last test:
    after each test its tabs' local and session storage are cleared (Streamlit keeps the
    sidebar's state there), every tab closed and every cookie cleared; a context that still
    holds storage from a tab the test left is closed and a new one made. Keeping the context
    keeps its HTTP and code cache, so the app's scripts are not fetched and compiled again
    for every test."""
    context = _KEPT.get(kind) or browser.new_context(**options)
    _KEPT[kind] = context
    yield context.new_page()
    for page in context.pages:
        if page.url.startswith("http"):
            # a tab that is closing or crashed may not answer: the check below covers it
            with contextlib.suppress(Exception):
                page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        page.close()
    context.clear_cookies()
    context.clear_permissions()
    if context.storage_state()["origins"]:
        context.close()
        del _KEPT[kind]


@pytest.fixture
def phone(browser):
    yield from _fresh_page(browser, "phone", PHONE)


@pytest.fixture
def desktop(browser):
    yield from _fresh_page(browser, "desktop", DESKTOP)


SHOOT = os.environ.get("COMPANION_SHOTS") == "1"  # `make shots` (they assert nothing)


def shot(page, name: str) -> None:
    """A screenshot of the whole page, with ``COMPANION_SHOTS=1`` (``make shots``). Streamlit
    scrolls inside its own container, so the viewport is stretched to the content's height
    for the picture and then put back. Off by default: pictures are for people to look at,
    they prove nothing, and taking them was a fifth of the browser tests' time."""
    from playwright.sync_api import expect

    if not SHOOT:
        return

    SHOTS.mkdir(parents=True, exist_ok=True)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=20_000)
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], section')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(500)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=20_000)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def no_script_errors(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def serious_axe_violations(page) -> list[str]:
    """axe-core (bundled by axe-playwright-python, offline) over the page as it stands:
    each serious or critical WCAG 2.1 A/AA violation as "rule: element"."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    found = []
    for violation in result.response["violations"]:
        if violation["impact"] in {"serious", "critical"}:
            for node in violation["nodes"][:3]:
                found.append(f"{violation['id']}: {node['html'][:120]}")
    return found
