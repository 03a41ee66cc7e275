"""A teen's check-in on a 390×844 phone, typed and tapped as a teen does, checked in the
database: a new day starts empty, what is left untouched is saved as not answered, a refused
value writes nothing, and yesterday can be filled in afterwards."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion import programme
from companion.care import checkins, plans
from companion.ops import demo
from companion.people import patients
from tests.browser.conftest import no_script_errors, shot, sign_in, start_server, stop_server

pytestmark = pytest.mark.browser
T = 20_000
PAIN = "Pain (0 = none, 10 = worst)"


@pytest.fixture(scope="module")
def teen_server(tmp_path_factory):
    """A demo programme in which Maya has not checked in today or yesterday yet."""
    folder = tmp_path_factory.mktemp("teen-server")
    db_path = folder / "companion.db"
    database = dbmod.connect(db_path, migrate=True)
    made = demo.create_demo(database, seed=7, teens=2)
    user_id = database.execute("SELECT id FROM users WHERE username = 'maya'").fetchone()[0]
    patient = patients.find_patient_for_user(database, user_id)
    today = programme.local_today(programme.get_settings(database))
    for day in (today, today - timedelta(days=1)):
        database.execute(
            "DELETE FROM exercise_outcomes WHERE checkin_id IN"
            " (SELECT id FROM checkins WHERE patient_id = ? AND day = ?)",
            [patient.id, day.isoformat()],
        )
        database.execute(
            "DELETE FROM checkins WHERE patient_id = ? AND day = ?", [patient.id, day.isoformat()]
        )
        database.execute(
            "DELETE FROM coping_uses WHERE patient_id = ? AND day = ?",
            [patient.id, day.isoformat()],
        )
    database.conn.commit()
    database.close()
    server = start_server(db_path, folder / "server.log")
    yield server, {a.username: a.password for a in made.accounts}, patient, today
    stop_server(server)


def _choose(page, group: str, option: str) -> None:
    page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option, exact=True).click()


def test_a_first_check_in_saves_only_what_the_teen_entered(teen_server, phone):
    server, passwords, patient, today = teen_server
    database = dbmod.connect(server.db_path)
    plan = plans.current_plan(database, patient.id, today)
    first = plan.exercises[0]
    sign_in(phone, server.url, "maya", passwords["maya"])
    expect(phone.get_by_role("button", name="Save")).to_be_visible(timeout=T)
    expect(phone.get_by_text("Anything you skip is saved as not answered")).to_be_visible()
    shot(phone, "checkin-new-day-phone")
    # nothing is chosen on a new day
    for group in (PAIN, "Mood", "School"):
        expect(
            phone.get_by_role("radiogroup", name=group).locator("[aria-checked=true]")
        ).to_have_count(0)

    _choose(phone, PAIN, "4")
    _choose(phone, "School", checkins.SCHOOL["part"])
    _choose(phone, f"{first.name} ({first.dose})", "Done")
    # a typed sleep of 30 hours is refused, and nothing is written
    sleep = phone.get_by_role("spinbutton", name="Sleep (hours)")
    sleep.fill("30")
    sleep.press("Tab")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Sleep hours must be between 0 and 24.").first).to_be_visible(
        timeout=T
    )
    expect(phone.get_by_text("Nothing was saved yet")).to_be_visible()
    expect(phone.get_by_text("Check-in saved")).to_have_count(0)
    assert checkins.find_checkin(database, patient.id, today) is None

    sleep.fill("8.5")
    sleep.press("Tab")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Check-in saved for today")).to_be_visible(timeout=T)
    no_script_errors(phone)

    saved = checkins.find_checkin(database, patient.id, today)
    assert (saved.pain, saved.school, saved.sleep_hours) == (4, "part", 8.5)
    assert saved.outcomes == {first.key: "done"}
    # untouched: not answered, never 0, never another day's value
    assert saved.mood is None and saved.sleep_quality is None
    assert saved.nurse_visits is None and saved.early_pickup is None
    assert saved.active_minutes is None and saved.activities == []
    assert saved.drinks is None and saved.meals is None
    assert saved.coping == [] and saved.note == ""

    # back-fill yesterday: it starts empty too, not from today's answers
    yesterday = today - timedelta(days=1)
    day_box = phone.get_by_role("combobox", name="Day")
    day_box.click()
    day_box.press_sequentially(yesterday.strftime("%A %-d"))
    day_box.press("Enter")
    expect(day_box).to_have_value(yesterday.strftime("%A %-d %B"), timeout=T)
    expect(phone.get_by_text("Anything you skip is saved as not answered")).to_be_visible(timeout=T)
    expect(phone.get_by_role("radiogroup", name=PAIN).locator("[aria-checked=true]")).to_have_count(
        0
    )
    _choose(phone, "Mood", checkins.MOODS[2])
    note = phone.get_by_role("textbox", name="Note (for you and your care team)")
    note.fill("Tired after the bus.")
    note.press("Tab")
    phone.get_by_role("button", name="Save").click()
    when = yesterday.strftime("%A %-d %B")
    expect(phone.get_by_text(f"Check-in saved for {when}")).to_be_visible(timeout=T)
    back = checkins.find_checkin(database, patient.id, yesterday)
    assert (back.mood, back.note, back.pain, back.school, back.sleep_hours) == (
        2,
        "Tired after the bus.",
        None,
        None,
        None,
    )
    assert back.outcomes == {}
    # today's row is as it was
    assert checkins.find_checkin(database, patient.id, today).pain == 4
    database.close()


def _quick(page, name):
    return page.locator(".st-key-quick_links").get_by_role("link", name=name)


def test_a_thumb_reaches_every_page_without_the_sidebar(teen_server, phone):
    server, passwords, _, _ = teen_server
    sign_in(phone, server.url, "maya", passwords["maya"])
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
    for name in ("Today", "Exercises", "Progress", "More"):
        box = _quick(phone, name).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
    shot(phone, "quick-links-phone")
    _quick(phone, "Exercises").click()
    expect(phone.get_by_role("heading", name="Home exercises")).to_be_visible(timeout=T)
    # one tap, and no menu left open over the page
    expect(phone.get_by_test_id("stExpandSidebarButton")).to_be_visible()
    _quick(phone, "More").click()
    expect(phone.get_by_role("heading", name="All pages")).to_be_visible(timeout=T)
    shot(phone, "all-pages-phone")
    phone.get_by_test_id("stMain").get_by_role("link", name="Setback plan").click()
    expect(phone.get_by_role("heading", name="My setback plan")).to_be_visible(timeout=T)
    _quick(phone, "Today").click()
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
    no_script_errors(phone)


def test_a_parent_moves_between_pages_with_one_tap(teen_server, phone):
    server, passwords, _, _ = teen_server
    parent = next(name for name in passwords if name.endswith(".parent"))
    sign_in(phone, server.url, parent, passwords[parent])
    expect(phone.get_by_role("heading", name="Overview")).to_be_visible(timeout=T)
    _quick(phone, "Learn").click()
    expect(phone.get_by_role("heading", name="Learn").first).to_be_visible(timeout=T)
    _quick(phone, "Help now").click()
    expect(phone.get_by_role("heading", name="Help now").first).to_be_visible(timeout=T)
    expect(phone.get_by_test_id("stExpandSidebarButton")).to_be_visible()
    main = phone.get_by_test_id("stMain")
    for name, href in [
        ("Call 911", "tel:911"),
        ("Call 988", "tel:988"),
        ("Text 988", "sms:988"),
        ("Call the clinic", "tel:5550100"),
    ]:
        link = main.get_by_role("link", name=name)
        expect(link).to_have_attribute("href", href)
        assert link.bounding_box()["height"] >= 40, name
    expect(main.get_by_text("Your clinic:")).to_have_count(1)
    shot(phone, "help-now-phone")
    no_script_errors(phone)


def test_a_teen_opening_a_staff_page_is_told_whose_it_is(teen_server, phone):
    server, passwords, _, _ = teen_server
    sign_in(phone, server.url, "maya", passwords["maya"])
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
    phone.goto(server.url + "/clinician_followup")
    expect(phone.get_by_role("heading", name="This page isn't here for you")).to_be_visible(
        timeout=T
    )
    expect(phone.get_by_text("“Follow-up” is a page for the care team.")).to_be_visible()
    expect(phone.get_by_text("Page not found")).to_have_count(0)
    phone.get_by_test_id("stMain").get_by_role("link", name="Go to Today").click()
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
    no_script_errors(phone)


def test_a_signed_out_visitor_at_a_pages_address_gets_the_sign_in_form(teen_server, phone):
    server, _, _, _ = teen_server
    phone.goto(server.url + "/teen_goals")
    expect(phone.get_by_label("Username")).to_be_visible(timeout=T)
    expect(phone.get_by_text("Page not found")).to_have_count(0)
    expect(phone.get_by_role("heading", name="My goals")).to_have_count(0)


def test_the_breathing_pacer_counts_without_movement_when_motion_is_reduced(teen_server, browser):
    """WCAG 2.3.3: with the phone set to reduce motion, the pacer still counts, and nothing
    on the page slides or animates (every transition and animation lasts 0 s)."""
    from tests.browser.conftest import PHONE

    server, passwords, _, _ = teen_server
    context = browser.new_context(**PHONE, reduced_motion="reduce")
    page = context.new_page()
    try:
        sign_in(page, server.url, "maya", passwords["maya"])
        expect(page.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
        _quick(page, "More").click()
        page.get_by_test_id("stMain").get_by_role("link", name="Toolbox").click()
        expect(page.get_by_role("heading", name="Coping toolbox")).to_be_visible(timeout=T)
        page.get_by_text("Practise: Belly breathing").click()
        page.get_by_role("button", name="Start the pacer").click()
        # in for 4 s, then out for 6 s (windows wide enough for a busy machine)
        breathe_in = re.compile(r"^Breathe in … [1-4]$")
        expect(page.get_by_role("heading", name=breathe_in)).to_be_visible(timeout=T)
        breathe_out = re.compile(r"^Breathe out … [1-6]$")
        expect(page.get_by_role("heading", name=breathe_out)).to_be_visible(timeout=T)
        moving = page.evaluate(
            """() => [...document.querySelectorAll('*')].filter(e => {
                const s = getComputedStyle(e);
                const long = v => v.split(',').some(d => parseFloat(d) > 0);
                return long(s.transitionDuration) || (s.animationName !== 'none'
                    && long(s.animationDuration));
            }).map(e => e.tagName + '.' + e.className).slice(0, 5)"""
        )
        assert moving == []
        shot(page, "pacer-reduced-motion-phone")
        page.get_by_role("button", name="Stop").click()
        expect(page.get_by_role("button", name="Start the pacer")).to_be_visible(timeout=T)
        no_script_errors(page)
    finally:
        context.close()
