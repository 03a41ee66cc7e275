"""A clinician enrols a teen at discharge on a desktop, typing as a person does, and prints
the getting-started sheet: one page, without the sidebar or its Sign out button."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion.auth import accounts
from companion.people import patients
from tests.browser.conftest import (
    no_script_errors,
    own_demo_server,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser
T = 20_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from own_demo_server(tmp_path_factory, "enrol-server", seed=9, teens=1)


def test_a_clinician_enrols_a_teen_and_prints_a_one_page_sheet(server, desktop):
    from pypdf import PdfReader

    running, passwords = server
    page = desktop
    sign_in(page, running.url, "dr.rivera", passwords["dr.rivera"])
    expect(page.get_by_role("heading", name="My patients")).to_be_visible(timeout=T)
    page.goto(running.url + "/clinician_enrol")
    expect(page.get_by_role("heading", name="Enrol a teen")).to_be_visible(timeout=T)
    for label, value in (("Display name", "Robin"), ("Username", "robin.t")):
        box = page.get_by_role("textbox", name=label, exact=True)
        box.fill(value)
        box.press("Tab")
    year = page.get_by_role("spinbutton", name="Birth year")
    year.fill("2012")
    year.press("Tab")
    group = page.get_by_role("combobox", name="Diagnosis group")
    group.click()
    group.press_sequentially("Fibro")
    group.press("Enter")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("Robin is enrolled.")).to_be_visible(timeout=T)
    no_script_errors(page)

    database = dbmod.connect(running.db_path)
    robin = accounts.find_user_by_username(database, "robin.t")
    patient = patients.find_patient_for_user(database, robin.id)
    assert patient.diagnosis_group == "Fibromyalgia" and patient.birth_year == 2012
    database.close()

    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.get_by_text("getting started")).to_be_visible()
    shot(page, "enrol-sheet-print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(pdf.pages) == 1, "the sheet prints on one page"
    text = pdf.pages[0].extract_text()
    assert "robin.t" in text and "Sign out" not in text
