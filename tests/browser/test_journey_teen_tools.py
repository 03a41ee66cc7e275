"""A teen's own tools on a 390×844 phone, typed and tapped as a teen does, checked in the
database and in the files downloaded: a practice in the toolbox rated and logged, what she
shares with her parent changed (and what her parent then sees), the reminders calendar, and
the download of her own data.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from companion import db as dbmod
from companion import programme
from companion.auth import accounts
from companion.care import checkins, plans, visits
from companion.ops import demo
from companion.people import family, patients
from tests.browser import conftest as kit

SKILLS = ["Diaphragmatic breathing", "Mindfulness", "Activity pacing"]
NOTES = {1: "Walked to the shop with Jess", 3: "Knee sore after PE"}
PARENT_NOTE = "She skipped PE again and hid it from me"
VISIT_NOTE = "Discussed worry about mum's reaction; graded return to netball"
CHANGE_NOTE = "Dropped bridges for now: knee flare"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A small demo programme (no generated history) in which Maya, discharged 10 days ago,
    has a plan with three coping skills and one home exercise, four check-ins (two notes),
    a visit with the clinician's notes, a plan change with its note, and her parent's weekly
    check with a note."""
    folder = tmp_path_factory.mktemp("teen-tools-server")
    db_path = folder / "companion.db"
    database = dbmod.connect(db_path, migrate=True)
    made = demo.create_demo(database, seed=23, teens=2, history=False)
    rivera = accounts.find_user_by_username(database, "dr.rivera")
    user = accounts.find_user_by_username(database, "maya")
    maya = patients.find_patient_for_user(database, user.id)
    today = programme.local_today(programme.get_settings(database))
    exercise = {"name": "Wall squats", "dose": "3 × 10", "days_per_week": 5}
    plans.save_plan(
        database,
        rivera,
        maya.id,
        today=today,
        starts_on=maya.discharged_on,
        exercises=[exercise, {"name": "Bridges", "days_per_week": 3}],
        coping_skills=SKILLS,
    )
    plans.save_plan(
        database,
        rivera,
        maya.id,
        today=today,
        starts_on=today,
        exercises=[exercise],
        coping_skills=SKILLS,
        change_note=CHANGE_NOTE,
    )
    checkins.import_history(
        database,
        maya,
        [
            {"day": today - timedelta(days=n), "pain": 5, "mood": 3, "note": NOTES.get(n, "")}
            for n in range(1, 5)
        ],
    )
    visits.record_visit(
        database,
        rivera,
        maya.id,
        day=today - timedelta(days=2),
        today=today,
        pain=4,
        fdi_total=None,
        notes=VISIT_NOTE,
    )
    parent = accounts.find_user_by_username(database, "rosa.parent")
    family.save_parent_check(
        database,
        parent,
        maya.id,
        ratings={"school": 2, "activities": 3, "exercise": 1},
        note=PARENT_NOTE,
        today=today,
    )
    database.close()
    running = kit.start_server(db_path, folder / "server.log")
    yield running, {a.username: a.password for a in made.accounts}, maya, today
    kit.stop_server(running)


def _db(running):
    return dbmod.connect(running.db_path)


def _open(page, running, passwords, title: str, heading: str) -> None:
    """Sign in as Maya and reach a page as a thumb does: More, then the page's link."""
    kit.enter(page, running.url, "maya")
    expect(page.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=kit.T)
    page.locator(".st-key-quick_links").get_by_role("link", name="More").click()
    expect(page.get_by_role("heading", name="All pages")).to_be_visible(timeout=kit.T)
    page.get_by_test_id("stMain").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=kit.T)


def _card(page, skill: str):
    """The toolbox card of one skill (the innermost block holding its name and buttons)."""
    return (
        page.get_by_test_id("stVerticalBlock")
        .filter(has=page.get_by_text(skill, exact=False))
        .filter(has=page.get_by_role("button", name="I used this"))
        .last
    )


def _uses(running, patient_id: int) -> list[dict]:
    return kit.saved_rows(
        running,
        "SELECT day, skill, helpfulness, source FROM coping_uses WHERE patient_id = ? ORDER BY id",
        [patient_id],
    )


def test_a_teen_practises_stars_and_logs_a_skill_with_how_much_it_helped(server, phone):
    running, passwords, maya, today = server
    assert _uses(running, maya.id) == []
    _open(phone, running, passwords, "Toolbox", "Coping toolbox")

    # the pacing practice and its worksheet, which is just for her
    card = _card(phone, "Activity pacing")
    card.get_by_text("Practise: Plan your pace").click()
    worksheet = card.get_by_role("textbox").first
    expect(worksheet).to_be_visible(timeout=kit.T)
    kit.typed(worksheet, "walk the dog for ten minutes")

    # rate it, star it (its card moves to the top), then log it
    card.get_by_role("radiogroup").get_by_role("radio", name="7", exact=True).click()
    card.get_by_role("button", name="Add star").click()
    expect(phone.get_by_text("★ Activity pacing")).to_be_visible(timeout=kit.T)
    card = _card(phone, "★ Activity pacing")
    # the rating and the worksheet moved with it, not left with the card now in its place
    expect(card.get_by_role("radio", name="7", exact=True)).to_have_attribute(
        "aria-checked", "true"
    )
    practice = card.get_by_text("Practise: Plan your pace")
    if card.get_by_role("textbox").count() == 0:  # the practice folded when the card moved
        practice.click()
    expect(card.get_by_role("textbox").first).to_have_value("walk the dog for ten minutes")
    for other in ("Diaphragmatic breathing", "Mindfulness"):
        expect(_card(phone, other).locator("[aria-checked=true]")).to_have_count(0)
    kit.tap_until_saved(
        phone, card.get_by_role("button", name="I used this"), lambda: len(_uses(running, maya.id))
    )
    # the card says so from what was saved; the toast that also says so fades by itself
    expect(_card(phone, "★ Activity pacing").get_by_text("Logged today: 1 time")).to_be_visible(
        timeout=kit.T
    )
    _saw_toast(phone)
    kit.shot(phone, "toolbox-logged-phone")
    kit.no_script_errors(phone)

    assert _uses(running, maya.id) == [
        {
            "day": today.isoformat(),
            "skill": "Activity pacing",
            "helpfulness": 7,
            "source": "toolbox",
        }
    ]
    database = _db(running)
    assert checkins.list_favourites(database, maya.id) == {"Activity pacing"}
    # the worksheet is not saved anywhere
    found = database.execute(
        "SELECT COUNT(*) FROM coping_uses WHERE skill LIKE '%dog%'"
    ).fetchone()[0]
    database.close()
    assert found == 0

    # used once more without a rating: a second row, helpfulness not answered (not 0)
    breathing = _card(phone, "Diaphragmatic breathing")
    kit.tap_until_saved(
        phone,
        breathing.get_by_role("button", name="I used this"),
        lambda: len(_uses(running, maya.id)),
    )
    expect(
        _card(phone, "Diaphragmatic breathing").get_by_text("Logged today: 1 time")
    ).to_be_visible(timeout=kit.T)
    assert _uses(running, maya.id)[1:] == [
        {
            "day": today.isoformat(),
            "skill": "Diaphragmatic breathing",
            "helpfulness": None,
            "source": "toolbox",
        }
    ]


def _saw_toast(page) -> None:
    """Whether the passing "Logged" toast was seen is printed, not asserted: under the full
    suite a run cut short by the next redraw can skip it (the card's line above is the
    confirmation that stays), and a test that sometimes fails on it would teach nothing."""
    toast = page.get_by_text("Logged. Well done for using your skills.")
    try:
        expect(toast).to_be_visible(timeout=3000)
    except AssertionError:
        print("the Logged toast was not seen")


def _sharing(running, patient_id: int) -> list[dict]:
    database = _db(running)
    try:
        return list(
            database.query(
                "SELECT pain_shared, mood_shared FROM sharing WHERE patient_id = ?", [patient_id]
            )
        )
    finally:
        database.close()


def test_a_teen_shares_her_mood_and_only_her_mood_and_her_parent_sees_it(server, phone, browser):
    running, passwords, maya, _ = server
    assert _sharing(running, maya.id) == []  # the programme's defaults: both off
    _open(phone, running, passwords, "Settings", "Settings")
    pain = phone.get_by_role("switch", name="Share my pain with my parents")
    mood = phone.get_by_role("switch", name="Share my mood with my parents")
    expect(pain).not_to_be_checked()
    expect(mood).not_to_be_checked()
    phone.get_by_text("Share my mood with my parents").click()  # a tap on the words
    expect(mood).to_be_checked(timeout=kit.T)
    phone.get_by_role("button", name="Save sharing").click()
    expect(phone.get_by_text("and your mood, because you share it")).to_be_visible(timeout=kit.T)
    expect(phone.get_by_text("not your pain")).to_be_visible()
    kit.no_script_errors(phone)
    assert _sharing(running, maya.id) == [{"pain_shared": 0, "mood_shared": 1}]
    database = _db(running)
    logged = database.execute(
        "SELECT detail FROM audit_log WHERE action = 'sharing' AND patient_id = ?", [maya.id]
    ).fetchall()
    database.close()
    assert logged == [("pain=off mood=on",)]

    # her parent, on their own phone: mood now, pain still not
    context = browser.new_context(**kit.PHONE)
    parent = context.new_page()
    try:
        kit.enter(parent, running.url, "rosa.parent")
        expect(parent.get_by_role("heading", name="Overview")).to_be_visible(timeout=kit.T)
        expect(parent.get_by_text("Mood (weekly average)")).to_be_visible(timeout=kit.T)
        expect(parent.get_by_text("Pain (weekly average)")).to_have_count(0)
        expect(parent.get_by_text("Maya keeps pain private")).to_be_visible()
        kit.no_script_errors(parent)
    finally:
        context.close()


def _set_time(page, label: str, hour: str, minute: str) -> None:
    """Type a time into Streamlit's time box as a person does: hour, then minutes."""
    page.get_by_role("spinbutton", name=f"hour, {label}").click()
    page.keyboard.type(hour)
    page.get_by_role("spinbutton", name=f"minute, {label}").click()
    page.keyboard.type(minute)
    page.keyboard.press("Tab")


def test_a_teen_downloads_reminders_at_the_times_and_on_the_days_she_chose(server, phone):
    running, passwords, _, today = server
    _open(phone, running, passwords, "Settings", "Settings")
    _set_time(phone, "Daily check-in", "20", "15")
    expect(phone.locator("input[type=hidden][value='20:15:00']")).to_have_count(1, timeout=kit.T)
    # exercises on every day but today's weekday and the one after it
    skipped = {today.weekday(), (today.weekday() + 1) % 7}
    days = phone.get_by_role("toolbar", name="Exercise days")
    for day in sorted(skipped):
        days.get_by_role("button", name=DAYS[day], exact=True).click()
        expect(days.get_by_role("button", name=DAYS[day], exact=True)).to_have_attribute(
            "aria-pressed", "false", timeout=kit.T
        )
    # the page says what the file holds once it has every change
    chosen = [d for d in range(7) if d not in skipped]
    promise = (
        "The file reminds you to check in every day at 20:15, and of home exercises on "
        + ", ".join(DAYS[d] for d in chosen)
        + " at 16:30."
    )
    expect(phone.get_by_text(promise)).to_be_visible(timeout=kit.T)
    button = phone.get_by_role("button", name="Download reminders (.ics)")
    kit.settled(phone)
    with phone.expect_download(timeout=kit.T) as got:
        button.click()
    download = got.value
    assert download.failure() is None
    assert download.suggested_filename == "companion-reminders.ics"
    with open(download.path(), "rb") as f:
        raw = f.read()
    kit.no_script_errors(phone)

    calendar = Calendar.from_ical(raw)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Daily check-in", "Home exercises"}
    checkin = events["Daily check-in"]
    start = checkin.decoded("dtstart")
    assert (start.date(), start.hour, start.minute) == (today, 20, 15)
    assert checkin["dtstart"].params["TZID"] == "America/New_York"
    assert checkin["rrule"]["FREQ"] == ["DAILY"]
    exercise = events["Home exercises"]
    assert exercise["rrule"]["BYDAY"] == [
        ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[d] for d in chosen
    ]
    first = exercise.decoded("dtstart")
    assert (first.hour, first.minute) == (16, 30)
    # the first reminder is on a chosen day (a calendar shows DTSTART itself as one), and
    # it is the first chosen day from today on
    assert first.weekday() in chosen, first
    assert first.date() == next(
        today + timedelta(days=n)
        for n in range(7)
        if (today + timedelta(days=n)).weekday() in chosen
    )
    # "Nothing about you is in the file"
    text = raw.decode().lower()
    for word in ("maya", "rivera", "pain", "rehabilitation", "wall squats"):
        assert word not in text, word


def test_a_teen_downloads_her_data_with_her_check_ins_and_not_others_notes(server, phone):
    running, passwords, maya, today = server
    _open(phone, running, passwords, "My account", "My account")
    with phone.expect_download(timeout=kit.T) as got:
        phone.get_by_role("button", name="Download my data").click()
    download = got.value
    assert download.failure() is None
    assert download.suggested_filename == f"my-companion-data-{today.isoformat()}.zip"
    with open(download.path(), "rb") as f:
        archive = zipfile.ZipFile(io.BytesIO(f.read()))
    kit.no_script_errors(phone)

    names = set(archive.namelist())
    assert {"README.txt", "data.json", "checkins.csv", "coping_uses.csv"} <= names
    data = json.loads(archive.read("data.json"))
    assert data["account"][0]["username"] == "maya"
    days = [r["day"] for r in data["checkins"]]
    assert days == [(today - timedelta(days=n)).isoformat() for n in (4, 3, 2, 1)]
    assert [r["note"] for r in data["checkins"]] == ["", NOTES[3], "", NOTES[1]]
    assert {r["pain"] for r in data["checkins"]} == {5}
    assert NOTES[1] in archive.read("checkins.csv").decode()
    # her visits are there, the clinician's notes on them are not
    assert [(r["day"], r["pain"]) for r in data["visits"]] == [
        ((today - timedelta(days=2)).isoformat(), 4)
    ]
    everything = "\n".join(archive.read(n).decode() for n in names)
    for secret in (PARENT_NOTE, VISIT_NOTE, CHANGE_NOTE, "graded return", "hid it from me"):
        assert secret not in everything, secret
    assert "parent_checks" not in data
    assert "password_hash" not in everything
    # only Maya's record
    database = _db(running)
    other = database.execute(
        "SELECT u.username FROM patients p JOIN users u ON u.id = p.user_id WHERE p.id != ?",
        [maya.id],
    ).fetchone()[0]
    exported = database.execute(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'export_own_data' AND patient_id = ?",
        [maya.id],
    ).fetchone()[0]
    database.close()
    assert other not in everything
    assert exported == 1
