"""A teen's check-in on a 390×844 phone, typed and tapped as a teen does, checked in the
database: a new day starts empty, what is left untouched is saved as not answered, a refused
value writes nothing, and yesterday can be filled in afterwards."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion.care import checkins, plans
from companion.people import patients
from tests.browser import conftest as kit

PAIN = "Pain (0 = none, 10 = worst)"


@pytest.fixture(scope="module")
def teen_server(tmp_path_factory):
    """A demo programme in which Maya has not checked in today or yesterday yet."""
    yield from kit.unlogged_teen_server(tmp_path_factory, "teen-server", days_back=(0, 1))


def _choose(page, group: str, option: str) -> None:
    page.get_by_role("radiogroup", name=group).get_by_role("radio", name=option, exact=True).click()


def test_a_first_check_in_saves_only_what_the_teen_entered(teen_server, phone):
    server, passwords, patient, today = teen_server
    database = dbmod.connect(server.db_path)
    plan = plans.current_plan(database, patient.id, today)
    first = plan.exercises[0]
    kit.enter(phone, server.url, "maya")
    expect(phone.get_by_role("button", name="Save")).to_be_visible(timeout=kit.T)
    expect(phone.get_by_text("Anything you skip is saved as not answered")).to_be_visible()
    kit.shot(phone, "checkin-new-day-phone")
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
    kit.typed(sleep, "30")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Sleep hours must be between 0 and 24.").first).to_be_visible(
        timeout=kit.T
    )
    expect(phone.get_by_text("Nothing was saved yet")).to_be_visible()
    expect(phone.get_by_text("Check-in saved")).to_have_count(0)
    assert checkins.find_checkin(database, patient.id, today) is None

    kit.typed(sleep, "8.5")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Check-in saved for today")).to_be_visible(timeout=kit.T)
    kit.no_script_errors(phone)

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
    expect(day_box).to_have_value(yesterday.strftime("%A %-d %B"), timeout=kit.T)
    expect(phone.get_by_text("Anything you skip is saved as not answered")).to_be_visible(
        timeout=kit.T
    )
    expect(phone.get_by_role("radiogroup", name=PAIN).locator("[aria-checked=true]")).to_have_count(
        0
    )
    _choose(phone, "Mood", checkins.MOODS[2])
    note = phone.get_by_role("textbox", name="Note (for you and your care team)")
    kit.typed(note, "Tired after the bus.")
    kit.settled(phone)  # the Tab's run redraws the form: tap Save once it is still
    phone.get_by_role("button", name="Save").click()
    when = yesterday.strftime("%A %-d %B")
    expect(phone.get_by_text(f"Check-in saved for {when}")).to_be_visible(timeout=kit.T)
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
    kit.enter(phone, server.url, "maya")
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=kit.T)
    for name in ("Today", "Exercises", "Progress", "More"):
        box = _quick(phone, name).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
    kit.shot(phone, "quick-links-phone")
    _quick(phone, "Exercises").click()
    expect(phone.get_by_role("heading", name="Home exercises")).to_be_visible(timeout=kit.T)
    # one tap, and no menu left open over the page
    expect(phone.get_by_test_id("stExpandSidebarButton")).to_be_visible()
    _quick(phone, "More").click()
    expect(phone.get_by_role("heading", name="All pages")).to_be_visible(timeout=kit.T)
    kit.shot(phone, "all-pages-phone")
    phone.get_by_test_id("stMain").get_by_role("link", name="Setback plan").click()
    expect(phone.get_by_role("heading", name="My setback plan")).to_be_visible(timeout=kit.T)
    _quick(phone, "Today").click()
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=kit.T)
    kit.no_script_errors(phone)


def test_a_parent_moves_between_pages_with_one_tap(teen_server, phone):
    server, passwords, _, _ = teen_server
    parent = next(name for name in passwords if name.endswith(".parent"))
    kit.enter(phone, server.url, parent)
    expect(phone.get_by_role("heading", name="Overview")).to_be_visible(timeout=kit.T)
    _quick(phone, "Learn").click()
    expect(phone.get_by_role("heading", name="Learn").first).to_be_visible(timeout=kit.T)
    _quick(phone, "Help now").click()
    expect(phone.get_by_role("heading", name="Help now").first).to_be_visible(timeout=kit.T)
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
    kit.shot(phone, "help-now-phone")
    kit.no_script_errors(phone)


def test_a_teen_opening_a_staff_page_is_told_whose_it_is(teen_server, phone):
    server, passwords, _, _ = teen_server
    kit.enter(phone, server.url, "maya")
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=kit.T)
    phone.goto(server.url + "/clinician_followup")
    expect(phone.get_by_role("heading", name="This page isn't here for you")).to_be_visible(
        timeout=kit.T
    )
    expect(phone.get_by_text("“Follow-up” is a page for the care team.")).to_be_visible()
    expect(phone.get_by_text("Page not found")).to_have_count(0)
    phone.get_by_test_id("stMain").get_by_role("link", name="Go to Today").click()
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=kit.T)
    kit.no_script_errors(phone)


def test_a_signed_out_visitor_at_a_pages_address_gets_the_sign_in_form(teen_server, phone):
    server, _, _, _ = teen_server
    phone.goto(server.url + "/teen_goals")
    expect(phone.get_by_label("Username")).to_be_visible(timeout=kit.T)
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
        kit.enter(page, server.url, "maya")
        expect(page.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=kit.T)
        _quick(page, "More").click()
        page.get_by_test_id("stMain").get_by_role("link", name="Toolbox").click()
        expect(page.get_by_role("heading", name="Coping toolbox")).to_be_visible(timeout=kit.T)
        page.get_by_text("Practise: Belly breathing").click()
        # in for 4 s, then out for 6 s (windows wide enough for a busy machine)
        breathe_in = re.compile(r"^Breathe in … [1-4]$")
        kit.tap_again_if_lost(
            page,
            page.get_by_role("button", name="Start the pacer"),
            page.get_by_role("heading", name=re.compile(r"^Breathe (in|out) … \d$")),
        )
        expect(page.get_by_role("heading", name=breathe_in)).to_be_visible(timeout=kit.T)
        breathe_out = re.compile(r"^Breathe out … [1-6]$")
        expect(page.get_by_role("heading", name=breathe_out)).to_be_visible(timeout=kit.T)
        moving = page.evaluate(
            """() => [...document.querySelectorAll('*')].filter(e => {
                const s = getComputedStyle(e);
                const long = v => v.split(',').some(d => parseFloat(d) > 0);
                return long(s.transitionDuration) || (s.animationName !== 'none'
                    && long(s.animationDuration));
            }).map(e => e.tagName + '.' + e.className).slice(0, 5)"""
        )
        assert moving == []
        kit.shot(page, "pacer-reduced-motion-phone")
        page.get_by_role("button", name="Stop").click()
        expect(page.get_by_role("button", name="Start the pacer")).to_be_visible(timeout=kit.T)
        kit.no_script_errors(page)
    finally:
        context.close()


def _eventually(page, check, timeout_ms: int = kit.T) -> None:
    """Wait until ``check()`` holds (for what the server writes after the page shows it)."""
    for _ in range(timeout_ms // 100):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


def test_a_reload_mid_check_in_brings_back_what_was_entered_not_saved(teen_server, phone):
    """Issue 12 item 11: a reload mid-check-in wiped it without a word. What was entered
    comes back to the same sign-in, marked not saved; nothing reaches the check-in until
    Save; Save and signing out each end the draft."""
    server, passwords, _, today = teen_server
    database = dbmod.connect(server.db_path)
    teen = next(
        r["username"]
        for r in database.query("SELECT username FROM users WHERE role = 'teen'")
        if r["username"] != "maya"  # the other tests of this module use maya's days
    )
    user_id = database.execute("SELECT id FROM users WHERE username = ?", [teen]).fetchone()[0]
    patient = patients.find_patient_for_user(database, user_id)
    kit.forget_days(database, patient.id, [today])

    def drafts_kept() -> list:
        return list(database.query("SELECT day, answers FROM checkin_drafts"))

    kit.enter(phone, server.url, teen)
    expect(phone.get_by_role("button", name="Save")).to_be_visible(timeout=kit.T)
    _choose(phone, PAIN, "6")
    expect(
        phone.get_by_role("radiogroup", name=PAIN).get_by_role("radio", name="6", exact=True)
    ).to_have_attribute("aria-checked", "true", timeout=kit.T)
    minutes = phone.get_by_role("spinbutton", name="Active minutes")
    kit.typed(minutes, "25")
    _choose(phone, "Mood", checkins.MOODS[4])
    expect(phone.get_by_text("It is not saved yet")).to_have_count(0)  # not on this page
    _eventually(phone, lambda: any('"mood": 4' in d["answers"] for d in drafts_kept()))

    phone.reload()
    expect(phone.get_by_text("It is not saved yet")).to_be_visible(timeout=kit.T)
    kit.shot(phone, "checkin-draft-restored-phone")
    expect(
        phone.get_by_role("radiogroup", name=PAIN).get_by_role("radio", name="6", exact=True)
    ).to_have_attribute("aria-checked", "true")
    expect(phone.get_by_role("spinbutton", name="Active minutes")).to_have_value("25")
    assert checkins.find_checkin(database, patient.id, today) is None  # a draft, not saved
    [kept] = drafts_kept()
    assert kept["day"] == today.isoformat() and '"pain": 6' in kept["answers"]

    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Check-in saved for today")).to_be_visible(timeout=kit.T)
    expect(phone.get_by_text("It is not saved yet")).to_have_count(0)
    saved = checkins.find_checkin(database, patient.id, today)
    assert (saved.pain, saved.mood, saved.active_minutes) == (6, 4, 25)
    assert saved.sleep_hours is None and saved.school is None and saved.outcomes == {}
    assert drafts_kept() == []

    # a draft left when signing out goes with the session
    _choose(phone, PAIN, "3")
    _choose(phone, "Mood", checkins.MOODS[2])
    expect(
        phone.get_by_role("radiogroup", name="Mood").get_by_role(
            "radio", name=checkins.MOODS[2], exact=True
        )
    ).to_have_attribute("aria-checked", "true", timeout=kit.T)
    _eventually(phone, lambda: any('"mood": 2' in d["answers"] for d in drafts_kept()))
    phone.get_by_test_id("stExpandSidebarButton").click()
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_text("You're signed out.")).to_be_visible(timeout=kit.T)
    assert drafts_kept() == []
    assert checkins.find_checkin(database, patient.id, today).pain == 6  # Save's answer stays
    kit.no_script_errors(phone)
    database.close()
