"""A clinician enrols a teen at discharge on a desktop, typing as a person does, and prints
the getting-started sheet: one page, without the sidebar or its Sign out button."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion.auth import accounts
from companion.care import questionnaires
from companion.people import patients
from tests.browser import conftest as kit
from tests.browser.conftest import (
    T,
    no_script_errors,
    own_demo_server,
    shot,
    typed,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from own_demo_server(tmp_path_factory, "enrol-server", seed=9, teens=1)


def test_a_clinician_enrols_a_teen_and_prints_a_one_page_sheet(server, desktop):
    from pypdf import PdfReader

    running, passwords = server
    page = desktop
    kit.enter(page, running.url, "dr.rivera")
    expect(page.get_by_role("heading", name="My patients")).to_be_visible(timeout=T)
    page.goto(running.url + "/clinician_enrol")
    expect(page.get_by_role("heading", name="Enrol a teen")).to_be_visible(timeout=T)
    for label, value in (("Display name", "Robin"), ("Username", "robin.t")):
        box = page.get_by_role("textbox", name=label, exact=True)
        typed(box, value)
    year = page.get_by_role("spinbutton", name="Birth year")
    typed(year, "2012")
    group = page.get_by_role("combobox", name="Diagnosis group")
    group.click()
    group.press_sequentially("Fibro")
    group.press("Enter")
    # a baseline FDI of 75 is refused with its message, and nobody is enrolled
    fdi = page.get_by_role("spinbutton", name="FDI total (0–60)")
    typed(fdi, "75")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("The FDI total is a whole number from 0 to 60.").first).to_be_visible(
        timeout=T
    )
    database = dbmod.connect(running.db_path)
    assert accounts.find_user_by_username(database, "robin.t") is None
    typed(fdi, "28")
    pain = page.get_by_role("spinbutton", name="Pain (0–10)")
    typed(pain, "6")
    # the outcome fields: a few chosen, the rest left alone (saved as not recorded)
    kit.settled(page)
    page.get_by_text("For programme outcomes (optional)").click()
    expect(page.get_by_text("serves every group equally well")).to_be_visible(timeout=T)
    kit.settled(page)
    # tapped in the list: Enter on the filtered box raced a rerun that redrew the box
    page.get_by_role("combobox", name="Treatment setting").click()
    page.get_by_role("option", name="Inpatient", exact=True).click()
    kit.settled(page)
    typed(page.get_by_role("spinbutton", name="Pain at admission (0–10)"), "7")
    race = page.get_by_role("combobox", name="Race and ethnicity (choose all that apply)")
    for choice in ("White", "Asian"):
        race.click()
        race.press_sequentially(choice)
        # tapped in the list, as a person does (the filter is fuzzy: "Asian" also lists
        # "Middle Eastern or North African")
        page.get_by_role("option", name=choice, exact=True).click()
        kit.settled(page)
    page.keyboard.press("Escape")
    kit.settled(page)
    shot(page, "enrol-outcome-fields")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("Robin is enrolled.")).to_be_visible(timeout=T)
    no_script_errors(page)

    robin = accounts.find_user_by_username(database, "robin.t")
    patient = patients.find_patient_for_user(database, robin.id)
    assert patient.diagnosis_group == "Fibromyalgia" and patient.birth_year == 2012
    fdi_rows = questionnaires.list_responses(database, patient.id, questionnaires.FDI_ID)
    assert [(r["score"], r["day"]) for r in fdi_rows] == [(28, patient.discharged_on.isoformat())]
    [visit] = database.query("SELECT pain FROM visits WHERE patient_id = ?", [patient.id])
    assert visit["pain"] == 6
    [episode] = database.query(
        "SELECT setting, referred_on, admitted_on, admission_fdi, admission_pain FROM episodes"
        " WHERE patient_id = ?",
        [patient.id],
    )
    assert episode == {
        "setting": "inpatient",
        "referred_on": None,
        "admitted_on": None,
        "admission_fdi": None,
        "admission_pain": 7,
    }
    [fields] = database.query("SELECT * FROM population WHERE patient_id = ?", [patient.id])
    assert fields["race_ethnicity"] == '["asian", "white"]'  # in the list's order
    untouched = ("sex_at_birth", "gender_identity", "language", "insurance", "travel_time")
    assert [fields[key] for key in untouched] == [None] * 5
    database.close()

    kit.settled(page)  # the form fades out until the run that drew the sheet ends
    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.get_by_text("getting started")).to_be_visible()
    shot(page, "enrol-sheet-print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    spill = pdf.pages[-1].extract_text()[:300] if len(pdf.pages) > 1 else ""
    assert len(pdf.pages) == 1, f"the sheet prints on one page; the last one holds {spill!r}"
    text = pdf.pages[0].extract_text()
    assert "robin.t" in text and "Sign out" not in text
