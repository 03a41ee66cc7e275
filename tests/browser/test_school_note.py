"""A teen on a phone builds a note for school, ticks two supports and unticks one, writes a
line, makes the note and downloads it: the PDF (read back with pypdf) and the database hold
exactly the chosen items, and no pain, which she did not tick. Her parent can download the
note only after she shares it."""

from __future__ import annotations

import io
import json

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from companion import db as dbmod
from companion import programme
from companion.auth import accounts
from companion.care import plans
from companion.people import patients
from tests.browser import conftest as kit

CONTACT = "School nurses can call the pain clinic on 555-0100 (a demo number)."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    for running, _passwords in kit.own_demo_server(
        tmp_path_factory, "school-note-server", seed=11, teens=2
    ):
        database = dbmod.connect(running.db_path)
        maya = accounts.find_user_by_username(database, "maya")
        patient = patients.find_patient_for_user(database, maya.id)
        today = programme.local_today(programme.get_settings(database))
        lead = next(
            c
            for c in (
                accounts.find_user_by_username(database, n) for n in ("dr.rivera", "pt.okafor")
            )
            if c and patients.is_on_care_team(database, c.id, patient.id)
        )
        plans.save_plan(
            database,
            lead,
            patient.id,
            today=today,
            accommodations=[{"key": "rest_breaks"}, {"key": "lift_pass"}, {"key": "modified_pe"}],
        )
        admin = accounts.find_user_by_username(database, "admin")
        programme.save_settings(database, {"school_contact": CONTACT}, actor=admin)
        parent = database.execute(
            "SELECT u.username FROM users u JOIN family_links f ON f.parent_id = u.id"
            " WHERE f.patient_id = ? ORDER BY u.id LIMIT 1",
            [patient.id],
        ).fetchone()[0]
        database.close()
        yield running, patient, parent


def _pdf_text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def _download(page, name: str) -> str:
    kit.settled(page)
    with page.expect_download(timeout=kit.T) as got:
        page.get_by_role("button", name=name).click()
    return _pdf_text(got.value.path())


def _tick(page, label: str) -> None:
    box = page.get_by_role("checkbox", name=label)
    was = box.is_checked()
    page.get_by_test_id("stCheckbox").filter(has=page.get_by_text(label, exact=True)).locator(
        "label"
    ).click()  # a tap on the box or its words, as a thumb does
    expect(box).to_be_checked(checked=not was, timeout=kit.T)
    kit.settled(page)


def test_a_teen_makes_a_school_note_on_a_phone_and_shares_it_with_her_parent(server, phone):
    running, patient, parent = server
    kit.enter(phone, running.url, "maya", path="/teen_school")
    expect(phone.get_by_role("heading", name="My school note")).to_be_visible(timeout=kit.T)
    for label in ("Rest breaks", "A lift or elevator pass", "A modified PE plan"):
        expect(phone.get_by_role("checkbox", name=label)).not_to_be_checked()  # none by default
    _tick(phone, "Rest breaks")
    _tick(phone, "A lift or elevator pass")
    helps = phone.get_by_role("textbox", name="What helps me (optional)")
    kit.typed(helps, "Stretching for a minute after a long lesson.")
    kit.settled(phone)
    _tick(phone, "A lift or elevator pass")  # changed her mind
    _tick(phone, "My care team's line for the school nurse")
    preview = phone.locator("[data-testid=stMain] strong")  # the preview's bold lines
    expect(preview.filter(has_text="Rest breaks")).to_be_visible(timeout=kit.T)
    expect(preview.filter(has_text="A lift or elevator pass")).to_have_count(0)
    assert kit.serious_axe_violations(phone) == []
    phone.emulate_media(media="print")  # the print layout: the note alone, no form or buttons
    expect(phone.get_by_role("checkbox", name="Rest breaks")).to_be_hidden()
    expect(phone.get_by_role("button", name="Make my note")).to_be_hidden()
    expect(preview.filter(has_text="Rest breaks")).to_be_visible()
    phone.emulate_media(media="screen")
    kit.shot(phone, "teen-school-note-phone")

    phone.get_by_role("button", name="Make my note").click()
    expect(phone.get_by_text("Note 1 is ready")).to_be_visible(timeout=kit.T)
    (row,) = kit.saved_rows(running, "SELECT number, content, shared_at FROM school_notes")
    content = json.loads(row["content"])
    assert row["number"] == 1 and row["shared_at"] is None
    assert [a["label"] for a in content["accommodations"]] == ["Rest breaks"]
    assert content["helps"] == "Stretching for a minute after a long lesson."
    assert content["teachers"] == "" and content["contact"] == CONTACT
    assert not {"pain", "mood", "attendance", "step", "us_504"} & set(content)

    text = _download(phone, "Download note 1 (PDF)")
    assert "Rest breaks" in text and "Stretching for a minute after a long lesson." in text
    assert "A lift or elevator pass" not in text and "A modified PE plan" not in text
    assert "My pain" not in text and "0 to 10" not in text and "My mood" not in text
    assert CONTACT in text

    # her parent: nothing to download until she shares it
    other = phone.context.browser.new_context(**kit.PHONE)
    parent_page = other.new_page()
    try:
        kit.enter(parent_page, running.url, parent)
        expect(parent_page.get_by_text("When Maya shares a note for school")).to_be_visible(
            timeout=kit.T
        )
        expect(
            parent_page.get_by_role("button", name="Download the school note (PDF)")
        ).to_have_count(0)
        phone.get_by_role("button", name="Share note 1 with my parents").click()
        expect(phone.get_by_text("Your parents can download note 1.")).to_be_visible(timeout=kit.T)
        assert kit.saved_rows(
            running, "SELECT shared_at IS NOT NULL AS shared FROM school_notes"
        ) == [{"shared": 1}]
        parent_page.reload()
        assert _download(parent_page, "Download the school note (PDF)") == text
    finally:
        other.close()
