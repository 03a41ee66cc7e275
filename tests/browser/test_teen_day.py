"""A teen's day on a 390×844 phone: the check-in in a handful of taps, exercises, toolbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion import programme
from companion.care import checkins, plans
from companion.people import patients
from tests.browser import conftest as kit
from tests.browser.conftest import T, no_script_errors, shot


class Taps:
    """Counts every click or tap the test makes, the way a person would count them."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator, **kwargs) -> None:
        self.count += 1
        locator.click(**kwargs)


def teen_state(server, username: str):
    database = dbmod.connect(server.db_path)
    user_id = database.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()[0]
    patient = patients.find_patient_for_user(database, user_id)
    today = programme.local_today(programme.get_settings(database))
    plan = plans.current_plan(database, patient.id, today)
    return database, patient, today, plan


def test_a_full_check_in_takes_at_most_8_taps(demo_server, phone):
    server, passwords = demo_server
    database, patient, today, plan = teen_state(server, "maya")
    first, second = plan.exercises[0], plan.exercises[1]
    # tapping the option already chosen would clear it, so pick ones that differ from today's
    current = checkins.find_checkin(database, patient.id, today) or checkins.Checkin(
        patient_id=patient.id, day=today
    )
    school = "part" if current.school != "part" else "full"
    statuses = {
        e.key: "done" if current.outcomes.get(e.key) != "done" else "part" for e in (first, second)
    }
    kit.enter(phone, server.url, "maya")
    expect(phone.get_by_role("button", name="Save")).to_be_visible(timeout=T)
    shot(phone, "checkin-phone")

    pain = 3 if current.pain != 3 else 6
    taps = Taps()
    pain_group = phone.get_by_role("radiogroup", name="Pain (0 = none, 10 = worst)")
    taps.click(pain_group.get_by_role("radio", name=str(pain), exact=True))
    school_group = phone.get_by_role("radiogroup", name="School")
    taps.click(school_group.get_by_role("radio", name=checkins.SCHOOL[school]))
    for exercise in (first, second):
        group = phone.get_by_role("radiogroup", name=f"{exercise.name} ({exercise.dose})")
        label = checkins.OUTCOMES[statuses[exercise.key]]
        taps.click(group.get_by_role("radio", name=label, exact=True))
    taps.click(phone.get_by_role("button", name="Save"))
    expect(phone.get_by_text("Check-in saved for today")).to_be_visible(timeout=T)
    no_script_errors(phone)

    saved = checkins.find_checkin(database, patient.id, today)
    assert saved.pain == pain
    assert saved.school == school
    assert saved.outcomes[first.key] == statuses[first.key]
    assert saved.outcomes[second.key] == statuses[second.key]
    print(f"check-in interactions: {taps.count}")
    assert taps.count <= 8
    database.close()


TEEN_PAGES = [  # the sidebar link, the page's heading, the screenshot's name
    ("Exercises", "Home exercises", "exercises-phone"),
    ("Toolbox", "Coping toolbox", "toolbox-phone"),
    ("Goals", "My goals", "goals-phone"),
    ("Setback plan", "My setback plan", "setback-phone"),
    ("Settings", "Settings", "settings-phone"),
    ("My progress", "My progress", "progress-phone"),
]


def test_a_teen_opens_each_page_from_the_sidebar_on_a_phone(demo_server, phone):
    """One sign-in, then each page by its sidebar link, closing the sidebar after as a
    person would (Streamlit leaves it open over the page on a phone)."""
    server, passwords = demo_server
    kit.enter(phone, server.url, "jordan")
    expect(phone.get_by_role("heading", name="Hi Jordan")).to_be_visible(timeout=T)
    for page_title, heading, name in TEEN_PAGES:
        phone.get_by_test_id("stExpandSidebarButton").click()
        phone.get_by_test_id("stSidebarNavLink").filter(has_text=page_title).first.click()
        expect(phone.get_by_role("heading", name=heading)).to_be_visible(timeout=T)
        no_script_errors(phone)
        phone.get_by_test_id("stSidebarCollapseButton").click()
        expect(phone.get_by_test_id("stExpandSidebarButton")).to_be_visible(timeout=T)
        shot(phone, name)


@pytest.mark.parametrize("size", ["desktop"])  # on a phone: the walk in test_phone_pages.py
def test_progress_and_family_dashboard_screenshots(demo_server, browser, size):
    from tests.browser.conftest import DESKTOP, PHONE

    server, passwords = demo_server
    context = browser.new_context(**(PHONE if size == "phone" else DESKTOP))
    page = context.new_page()
    try:
        kit.enter(page, server.url, "rosa.parent")
        expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=T)
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=T)
        no_script_errors(page)
        shot(page, f"parent-overview-{size}")
        page.context.clear_cookies()
        kit.enter(page, server.url, "maya")
        expect(page.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
        page.goto(server.url + "/teen_progress")
        expect(page.get_by_role("heading", name="My progress")).to_be_visible(timeout=T)
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=T)
        no_script_errors(page)
        shot(page, f"teen-progress-{size}")
    finally:
        context.close()
