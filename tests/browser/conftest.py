"""Real parts: a real `streamlit run asgi.py` on a free port against a temp SQLite file, and
Debian's chromium driven by Playwright (no Playwright browser download)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from companion import db as dbmod
from companion.ops import demo
from tests.conftest import ROOT

CHROMIUM = os.environ.get("COMPANION_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SHOTS = ROOT / "tests" / "browser" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    db_path: Path
    process: subprocess.Popen


def start_server(db_path: Path, log: Path) -> Server:
    port = _free_port()
    SERVER_LOGS.append(log)
    env = {**os.environ, "COMPANION_DB": str(db_path)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "asgi.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return Server(url, db_path, process)
        except OSError:
            time.sleep(0.2)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError("the server did not start:\n" + log.read_text()[-3000:])


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[tuple[Server, dict[str, str]]]:
    """A server on a demo programme; yields it with {username: password}."""
    yield from own_demo_server(tmp_path_factory, "demo-server", seed=11, teens=4)


def own_demo_server(
    tmp_path_factory, name: str, *, seed: int, teens: int, history: bool = True
) -> Iterator[tuple[Server, dict[str, str]]]:
    """A server on a demo programme of its own, for a module whose tests change what others
    read (``yield from`` it in a module-scoped fixture); yields it with {username: password}."""
    folder = tmp_path_factory.mktemp(name)
    db_path = folder / "companion.db"
    database = dbmod.connect(db_path, migrate=True)
    made = demo.create_demo(database, seed=seed, teens=teens, history=history)
    database.close()
    server = start_server(db_path, folder / "server.log")
    yield server, {a.username: a.password for a in made.accounts}
    stop_server(server)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(**DESKTOP)
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    """A screenshot of the whole page. Streamlit scrolls inside its own container, so the
    viewport is stretched to the content's height for the picture and then put back."""
    from playwright.sync_api import expect

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


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


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
