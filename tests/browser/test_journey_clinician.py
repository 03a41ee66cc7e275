"""The clinician's follow-up journey on a 1280×800 desktop, typed and clicked as a person
does, checked in the database and in the files downloaded.

Sign in, open the panel, pick the teen discharged this week, open the follow-up, choose
each period (Custom too), read the teen's notes and questions, record a visit with a
refused FDI, then a good one, then edit it, and download the CSV and then the PDF.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pypdf
import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion import programme
from companion.auth import accounts
from companion.care import checkins, plans, school
from companion.ops import demo
from companion.people import enrolment, patients
from tests.browser import conftest as kit

NOTES = {1: "Knee sore after the bus", 2: "Walked the dog twice"}
QUESTION = "Can I go back to swimming?"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A demo programme, and Noor, enrolled by dr.rivera three days ago, with a plan and a
    check-in each day since (two notes, one question)."""
    folder = tmp_path_factory.mktemp("clinician-server")
    db_path = folder / "companion.db"
    database = dbmod.connect(db_path, migrate=True)
    made = demo.create_demo(database, seed=17, teens=3)
    clinician = accounts.find_user_by_username(database, "dr.rivera")
    today = programme.local_today(programme.get_settings(database))
    noor, _, _ = enrolment.enrol_at_discharge(
        database,
        clinician,
        display_name="Noor",
        username="noor.h",
        birth_year=today.year - 15,
        discharged_on=today - timedelta(days=3),
        diagnosis_group="Other",
        today=today,
        baseline_fdi=27,
        baseline_pain=6,
    )
    plans.save_plan(
        database,
        clinician,
        noor.id,
        today=today,
        starts_on=noor.discharged_on,
        exercises=[{"name": "Wall squats", "days_per_week": 7}],
    )
    key = plans.list_versions(database, noor.id)[-1].exercises[0].key
    checkins.import_history(
        database,
        noor,
        [
            {
                "day": today - timedelta(days=n),
                "pain": 5,
                "mood": 3,
                "school": "full",
                "outcomes": {key: "done"},
                "note": NOTES.get(n, ""),
                "question": QUESTION if n == 2 else "",
            }
            for n in range(1, 4)
        ],
    )
    database.close()
    running = kit.start_server(db_path, folder / "server.log")
    passwords = {a.username: a.password for a in made.accounts}
    yield running, passwords, noor, today
    kit.stop_server(running)


def _period(page):
    """The caption naming the period shown ("1 Dec 2026 to 3 Dec 2026 (3 days)")."""
    caption = page.get_by_text(" days)", exact=False).first
    expect(caption).to_be_visible(timeout=kit.T)
    return caption.inner_text()


def _choose(page, period):
    page.get_by_test_id("stButtonGroup").get_by_text(period, exact=True).click()


def _visits(server, patient_id, day):
    return kit.saved_rows(
        server,
        "SELECT day, pain, fdi_total, notes FROM visits WHERE patient_id = ? AND day = ?",
        [patient_id, day.isoformat()],
    )


def _type(page, name, value):
    box = page.get_by_role("spinbutton", name=name)
    kit.typed(box, value)


def test_a_clinician_reviews_a_new_discharge_records_a_visit_and_files_it(server, desktop):
    running, passwords, noor, today = server
    page = desktop
    kit.enter(page, running.url, "dr.rivera")
    expect(page.get_by_role("heading", name="My patients")).to_be_visible(timeout=kit.T)

    # the panel: pick Noor's row (the grid is a canvas: click the row's selection cell)
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible(timeout=kit.T)
    expect(grid.locator("td[aria-colindex='1']", has_text="Noor")).to_have_count(1, timeout=kit.T)
    names = [c.text_content() for c in grid.locator("td[aria-colindex='1']").all()]
    row = names.index("Noor")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 * (row + 1) + 17)
    expect(page.get_by_role("heading", name="Noor")).to_be_visible(timeout=kit.T)
    kit.shot(page, "clinician-patient-desktop")

    # the follow-up, for the patient picked (the page keeps ?patient=)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Follow-up").click()
    expect(page.get_by_role("heading", name="Follow-up")).to_be_visible(timeout=kit.T)
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Patient")
    if "Noor" not in picker.inner_text():
        picker.click()
        page.get_by_role("option", name="Noor").click()
    expect(page.get_by_role("heading", name="Noor")).to_be_visible(timeout=kit.T)

    # each period; since the baseline visit at discharge, "since the last visit" starts
    # the day after it
    discharged = noor.discharged_on
    reviewed = f"{discharged + timedelta(days=1):%-d %b %Y} to {today:%-d %b %Y} (3 days)"
    expect(page.get_by_text(reviewed)).to_be_visible(timeout=kit.T)
    since = f"{discharged:%-d %b %Y} to {today:%-d %b %Y} (4 days)"
    for period in ("Last 30 days", "Since discharge"):
        _choose(page, period)
        expect(page.get_by_text(since)).to_be_visible(timeout=kit.T)
        kit.no_script_errors(page)
    _choose(page, "Custom")
    expect(page.get_by_text("From – to")).to_be_visible(timeout=kit.T)
    expect(page.get_by_text(since)).to_be_visible(timeout=kit.T)
    kit.no_script_errors(page)
    kit.shot(page, "clinician-followup-custom")
    _choose(page, "Since the last visit")
    expect(page.get_by_text(reviewed)).to_be_visible(timeout=kit.T)

    # the teen's notes and questions, newest first, with local dates
    newer = f"{today - timedelta(days=1):%a %-d %b}: {NOTES[1]}"
    older = f"{today - timedelta(days=2):%a %-d %b}: {NOTES[2]}"
    expect(page.get_by_text(newer)).to_be_visible(timeout=kit.T)
    expect(page.get_by_text(older)).to_be_visible()
    expect(page.get_by_text(f"{today - timedelta(days=2):%a %-d %b}: {QUESTION}")).to_be_visible()
    assert page.get_by_text(newer).bounding_box()["y"] < page.get_by_text(older).bounding_box()["y"]

    # a refused FDI: the message, and nothing saved
    _type(page, "FDI total (0–60)", "75")
    page.get_by_role("button", name="Record visit").click()
    expect(page.get_by_text("The FDI total is a whole number from 0 to 60.")).to_be_visible(
        timeout=kit.T
    )
    assert _visits(running, noor.id, today) == []

    # a good one
    _type(page, "FDI total (0–60)", "22")
    _type(page, "Pain (0–10)", "4")
    notes = page.get_by_role("textbox", name="Notes")
    kit.typed(notes, "Back at school full days")
    page.get_by_role("button", name="Record visit").click()
    expect(page.get_by_text("recorded.", exact=False)).to_be_visible(timeout=kit.T)
    assert _visits(running, noor.id, today) == [
        {"day": today.isoformat(), "pain": 4, "fdi_total": 22, "notes": "Back at school full days"}
    ]
    # the view still shows the period just reviewed
    expect(page.get_by_text(reviewed)).to_be_visible()

    # edit it: the form holds the visit's values; still one visit today
    expect(page.get_by_role("button", name="Update visit")).to_be_visible(timeout=kit.T)
    expect(page.get_by_role("spinbutton", name="FDI total (0–60)")).to_have_value("22")
    _type(page, "FDI total (0–60)", "19")
    page.get_by_role("button", name="Update visit").click()
    expect(page.get_by_text("updated.", exact=False)).to_be_visible(timeout=kit.T)
    assert _visits(running, noor.id, today) == [
        {"day": today.isoformat(), "pain": 4, "fdi_total": 19, "notes": "Back at school full days"}
    ]
    kit.no_script_errors(page)
    kit.shot(page, "clinician-followup-visit")

    # the CSV, then straight away the PDF
    with page.expect_download(timeout=kit.T) as got:
        page.get_by_role("button", name="Daily data (CSV)").click()
    with page.expect_download(timeout=kit.T) as got_pdf:
        page.get_by_role("button", name="One-page report (PDF)").click()
    csv_file, pdf_file = got.value, got_pdf.value
    assert csv_file.failure() is None and pdf_file.failure() is None
    start = discharged + timedelta(days=1)
    assert csv_file.suggested_filename == (
        f"patient-{noor.id}-{start.isoformat()}-to-{today.isoformat()}.csv"
    )
    with open(csv_file.path(), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["day"] for r in rows] == [(today - timedelta(days=n)).isoformat() for n in (2, 1)]
    assert [r["note"] for r in rows] == [NOTES[2], NOTES[1]]
    with open(pdf_file.path(), "rb") as f:
        reader = pypdf.PdfReader(io.BytesIO(f.read()))
    assert 1 <= len(reader.pages) <= 2
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert reviewed in text
    assert newer in text and older in text and QUESTION in text
    assert "FDI (latest) 19, moderate disability" in text, text
    # and the FHIR record: the same days' pain, the visit's FDI total, a valid Bundle
    with page.expect_download(timeout=kit.T) as got_fhir:
        page.get_by_role("button", name="FHIR record (JSON)").click()
    fhir_file = got_fhir.value
    assert fhir_file.failure() is None
    assert fhir_file.suggested_filename == (
        f"fhir-patient-{noor.id}-{start.isoformat()}-to-{today.isoformat()}.json"
    )
    with open(fhir_file.path(), encoding="utf-8") as f:
        record = json.load(f)
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(record)
    found = [e["resource"] for e in record["entry"]]
    pains = sorted(
        (r["effectiveDateTime"], r["valueQuantity"]["value"])
        for r in found
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "72514-3"
    )
    assert pains == sorted((row["day"], int(row["pain"])) for row in rows if row["pain"])
    fdi = [
        r["valueQuantity"]["value"]
        for r in found
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "fdi-total"
    ]
    assert 19 in fdi
    assert all("name" not in r for r in found if r["resourceType"] == "Patient")
    kit.no_script_errors(page)


def test_a_clinician_edits_a_plan_and_saves_a_new_version(server, desktop):
    """Edit the care plan as a clinician does: add a coping skill of one's own, rewrite what
    helps, say what changed, add a school accommodation with its reason rewritten, save. The
    new version holds those edits; the exercises and everything else are carried over.
    (Typing into the exercise grid, a canvas, is not driven here: plans.apply_table_edits
    applies its edits, tested in tests/test_plans.py.)"""
    running = server[0]
    database = dbmod.connect(running.db_path)
    clinician = accounts.find_user_by_username(database, "dr.rivera")
    today = programme.local_today(programme.get_settings(database))
    patient = next(
        p
        for p in patients.list_for_clinician(database, clinician.id)
        if p.username != "noor.h" and plans.current_plan(database, p.id, today) is not None
    )
    before = plans.current_plan(database, patient.id, today)
    versions_before = len(plans.list_versions(database, patient.id))
    first = before.exercises[0]
    assert "Humming" not in before.coping_skills
    page = desktop
    kit.enter(page, running.url, "dr.rivera")
    expect(page.get_by_role("heading", name="My patients")).to_be_visible(timeout=kit.T)
    page.goto(f"{running.url}/clinician_plan?patient={patient.id}")
    expect(page.get_by_role("heading", name="Care plan")).to_be_visible(timeout=kit.T)

    grid = page.get_by_test_id("stDataFrame").first  # the exercises (goals come after)
    expect(grid.locator("td", has_text=first.name).first).to_be_attached(timeout=kit.T)
    skills = page.get_by_role("combobox", name="Coping skills taught")
    skills.click()
    skills.press_sequentially("Humming")
    skills.press("Enter")
    page.keyboard.press("Escape")
    helps = page.get_by_role("textbox", name="What helps")
    kit.typed(helps, "A warm bath, then a short walk")
    note = page.get_by_role("textbox", name="What changed (optional)")
    kit.typed(note, "More squats; humming for flares")
    # a school accommodation, with the reason for teachers rewritten (fill, then Tab)
    kit.settled(page)
    supports = page.get_by_role("combobox", name="School accommodations")
    supports.click()  # typed and chosen with Enter, as for the coping skill above: a tap on
    supports.press_sequentially("Rest breaks")  # the open list fell on an option being redrawn
    supports.press("Enter")
    page.keyboard.press("Escape")
    reason = page.get_by_role("textbox", name="Reason for teachers: Rest breaks")
    expect(reason).to_have_value(school.CATALOGUE["rest_breaks"][1], timeout=kit.T)
    kit.typed(reason, "Five minutes, then back to class")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("saved", exact=False).first).to_be_visible(timeout=kit.T)
    kit.no_script_errors(page)
    kit.shot(page, "clinician-plan-saved-desktop")

    after = plans.current_plan(database, patient.id, today)
    assert len(plans.list_versions(database, patient.id)) == versions_before + 1
    assert [(e.key, e.name, e.dose, e.days_per_week) for e in after.exercises] == [
        (e.key, e.name, e.dose, e.days_per_week) for e in before.exercises
    ]
    assert list(after.coping_skills) == [*before.coping_skills, "Humming"]
    assert after.what_helps == "A warm bath, then a short walk"
    assert after.warning_signs == before.warning_signs and after.contacts == before.contacts
    assert after.modules == before.modules and after.follow_ups == before.follow_ups
    assert before.accommodations == () and after.school_steps == before.school_steps
    assert [(a.key, a.reason) for a in after.accommodations] == [
        ("rest_breaks", "Five minutes, then back to class")
    ]
    database.close()


def test_a_clinician_corrects_outcome_fields_on_the_patient_page(server, desktop):
    """Open a demo teen's patient page, unfold the outcome fields, change two population
    answers (one to "Prefer not to say"), type the FDI at admission, tap Save these: exactly
    those are saved, and every box left alone keeps what was saved before."""
    running = server[0]
    database = dbmod.connect(running.db_path)
    clinician = accounts.find_user_by_username(database, "dr.rivera")
    teen = next(
        p for p in patients.list_for_clinician(database, clinician.id) if p.username != "noor.h"
    )
    [before] = database.query("SELECT * FROM population WHERE patient_id = ?", [teen.id])
    [episode] = database.query(
        "SELECT setting, referred_on, admitted_on, admission_pain FROM episodes WHERE id = ?",
        [teen.episode_id],
    )
    page = desktop
    kit.enter(page, running.url, "dr.rivera", path=f"/clinician_patient?patient={teen.id}")
    expect(page.get_by_role("heading", name="For programme outcomes")).to_be_visible(timeout=kit.T)
    kit.settled(page)
    page.get_by_text("Treatment and population (optional, never shown to the family)").click()
    expect(page.get_by_text("serves every group equally well")).to_be_visible(timeout=kit.T)
    kit.settled(page)
    for box, option in (("Sex assigned at birth", "Intersex"), ("Insurance", "Prefer not to say")):
        kit.choose(page, box, option)
    kit.typed(page.get_by_role("spinbutton", name="FDI total at admission (0–60)"), "31")
    kit.settled(page)
    page.get_by_role("button", name="Save these").click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible(timeout=kit.T)
    kit.no_script_errors(page)

    [after] = database.query("SELECT * FROM population WHERE patient_id = ?", [teen.id])
    assert after["sex_at_birth"] == "intersex" and after["insurance"] == "prefer_not_to_say"
    untouched = ("gender_identity", "race_ethnicity", "language", "travel_time")
    assert [after[k] for k in untouched] == [before[k] for k in untouched]
    [now] = database.query(
        "SELECT setting, referred_on, admitted_on, admission_pain, admission_fdi FROM episodes"
        " WHERE id = ?",
        [teen.episode_id],
    )
    assert now.pop("admission_fdi") == 31
    assert now == episode  # the treatment boxes left alone kept their saved values
    database.close()
