"""A parent on a phone sends the weekly check, typed and tapped as a parent does, and the
database holds exactly that; changing one answer later keeps the rest, the note included."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from companion.people import family
from tests.browser import conftest as kit


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from kit.own_demo_server(
        tmp_path_factory, "parent-server", seed=5, teens=2, history=False
    )


def _rows(running) -> list[dict]:
    return kit.saved_rows(running, "SELECT school, activities, exercise, note FROM parent_checks")


def _choose(page, area: str, rating: str) -> None:
    group = page.get_by_role("radiogroup", name=family.CHECK_AREAS[area])
    group.get_by_role("radio", name=rating, exact=True).click()
    expect(group.get_by_role("radio", name=rating, exact=True)).to_have_attribute(
        "aria-checked", "true", timeout=kit.T
    )


def test_a_parent_sends_the_weekly_check_and_later_changes_one_answer(server, phone):
    running, passwords = server
    parent = next(name for name in passwords if name.endswith(".parent"))
    kit.enter(phone, running.url, parent)
    expect(phone.get_by_role("heading", name="Your weekly check")).to_be_visible(timeout=kit.T)
    assert _rows(running) == []
    # two of three answered: refused, nothing saved
    _choose(phone, "school", family.RATINGS[3])
    _choose(phone, "activities", family.RATINGS[2])
    save = phone.get_by_role("button", name="Save my check")
    save.click()
    expect(phone.get_by_text("Please choose one answer.")).to_be_visible(timeout=kit.T)
    assert _rows(running) == []
    _choose(phone, "exercise", family.RATINGS[1])
    note = phone.get_by_role("textbox", name="Anything to add?")
    kit.typed(note, "She walked to school twice.")
    save.click()
    expect(phone.get_by_text("Thanks. Your check is saved for this week.")).to_be_visible(
        timeout=kit.T
    )
    kit.shot(phone, "parent-weekly-check-phone")
    assert _rows(running) == [
        {"school": 3, "activities": 2, "exercise": 1, "note": "She walked to school twice."}
    ]
    # later in the week: the saved answers and note are shown; one answer changes
    phone.reload()
    expect(phone.get_by_role("textbox", name="Anything to add?")).to_have_value(
        "She walked to school twice.", timeout=kit.T
    )
    _choose(phone, "exercise", family.RATINGS[4])
    phone.get_by_role("button", name="Save my check").click()
    expect(phone.get_by_text("Thanks. Your check is saved for this week.")).to_be_visible(
        timeout=kit.T
    )
    assert _rows(running) == [
        {"school": 3, "activities": 2, "exercise": 4, "note": "She walked to school twice."}
    ]
    kit.no_script_errors(phone)
