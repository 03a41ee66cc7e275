"""The follow-up view's print layout in real chromium: with print media, the page prints
alone (no sidebar, no forms, no download buttons) and keeps the period and its figures."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import conftest as kit
from tests.browser.conftest import T, no_script_errors, shot


def test_the_follow_up_view_prints_without_sidebar_or_forms(demo_server, desktop):
    server, passwords = demo_server
    page = desktop
    kit.enter(page, server.url, "dr.rivera")
    page.goto(server.url + "/clinician_followup")
    expect(page.get_by_role("heading", name="Follow-up")).to_be_visible(timeout=T)
    expect(page.get_by_text("Record this visit")).to_be_visible(timeout=T)
    page.get_by_text("Print layout").click()
    expect(page.get_by_text("Use your browser's Print command")).to_be_visible(timeout=T)
    expect(page.get_by_text("Record this visit")).to_have_count(0)
    expect(page.get_by_role("button", name="One-page report (PDF)")).to_have_count(0)
    no_script_errors(page)
    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_text("Check-in rate").first).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=T)
    shot(page, "clinician-followup-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
