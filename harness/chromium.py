"""Debian's chromium as Playwright drives it here (no Playwright browser download), the
viewports people use, and signing in as a person does."""

from __future__ import annotations

import os

# Debian's chromium-headless-shell: the same engine as the chromium package without the
# desktop browser around it; the browser tests took 272 s of pytest with it against 325 s
# with the full chromium, all of it CPU this 2-core machine spent drawing. The full chromium
# still works when it is the one installed.
SHELL, FULL = "/usr/bin/chromium-headless-shell", "/usr/bin/chromium"
CHROMIUM = os.environ.get("COMPANION_CHROMIUM") or next(
    (path for path in (SHELL, FULL) if os.path.exists(path)), SHELL
)
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
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
