"""Back to school in the care plan: accommodations, the graded return and its weekly target
(hand-computed weeks), and what the plan editor says changed."""

import json
from datetime import date, timedelta

import pytest

from companion.care import plans, school
from companion.care.school import SchoolStep
from companion.errors import InvalidInput
from companion.insight import metrics
from tests.conftest import TODAY

MON = date(2026, 11, 23)  # the Monday of TODAY's week (TODAY is Wednesday 25 November)


def test_a_catalogue_accommodation_keeps_its_label_and_takes_its_reason_when_left_empty():
    (rest, lift) = school.clean_accommodations(
        [{"key": "rest_breaks"}, {"key": "lift_pass", "reason": "Stairs are hard for now."}]
    )
    assert rest.label == "Rest breaks" and rest.reason == school.CATALOGUE["rest_breaks"][1]
    assert lift.label == "A lift or elevator pass" and lift.reason == "Stairs are hard for now."


def test_the_care_teams_own_accommodation_needs_a_reason_and_an_empty_row_is_nothing():
    own = school.clean_accommodations(
        [{"key": "own-1", "label": "Sit near the door", "reason": "I can step out quietly."}]
    )
    assert own[0].own and own[0].label == "Sit near the door"
    assert school.clean_accommodations([{"key": "own-1", "label": "", "reason": ""}]) == []
    with pytest.raises(InvalidInput, match="reason for teachers"):
        school.clean_accommodations([{"key": "own-1", "label": "Sit near the door"}])


@pytest.mark.parametrize(
    "rows",
    [
        [{"key": "not-a-key"}],
        [{"key": "rest_breaks"}, {"key": "rest_breaks"}],
        [{"key": 5}],
        "rest_breaks",
        [{"key": f"own-{n}", "label": f"Mine {n}", "reason": "r"} for n in range(1, 7)],
    ],
)
def test_accommodations_outside_the_rules_are_refused(rows):
    with pytest.raises(InvalidInput):
        school.clean_accommodations(rows)


def test_steps_are_sorted_by_date_and_each_needs_its_own_week():
    discharged = date(2026, 11, 2)
    steps = school.clean_steps(
        [
            {"starts_on": "2026-11-23", "text": "Full days", "full_days": 5, "part_days": 0},
            {"starts_on": date(2026, 11, 9), "text": "Half days", "full_days": 0, "part_days": 5},
            {"starts_on": None, "text": "", "full_days": None, "part_days": None},  # empty row
        ],
        discharged_on=discharged,
    )
    assert [s.text for s in steps] == ["Half days", "Full days"]
    with pytest.raises(InvalidInput, match="week of its own"):
        school.clean_steps(
            [
                {"starts_on": "2026-11-09", "text": "A", "full_days": 1},
                {"starts_on": "2026-11-13", "text": "B", "full_days": 2},
            ],
            discharged_on=discharged,
        )


@pytest.mark.parametrize(
    "row, message",
    [
        ({"starts_on": "2026-11-09", "text": "", "full_days": 1}, "say what the step is"),
        ({"starts_on": "soon", "text": "A", "full_days": 1}, "date like"),
        ({"starts_on": "2026-10-01", "text": "A", "full_days": 1}, "two years of discharge"),
        ({"starts_on": "2026-11-09", "text": "A", "full_days": 0}, "1 to 7 days"),
        ({"starts_on": "2026-11-09", "text": "A", "full_days": 5, "part_days": 3}, "1 to 7"),
        ({"starts_on": "2026-11-09", "text": "A", "full_days": 2.5}, "whole number"),
        ({"starts_on": "2026-11-09", "text": "A", "full_days": True}, "number from 0 to 7"),
    ],
)
def test_a_step_outside_the_rules_says_why(row, message):
    with pytest.raises(InvalidInput, match=message):
        school.clean_steps([row], discharged_on=date(2026, 11, 2))


STEPS = (
    SchoolStep(date(2026, 11, 4), "Half days", 0, 5),  # a Wednesday: counts from Mon 2 Nov
    SchoolStep(date(2026, 11, 16), "Three full days", 3, 2),
)


def test_a_step_counts_from_the_week_its_date_falls_in_until_the_next_steps_week():
    assert school.step_for_week(STEPS, date(2026, 11, 1)) is None  # the Sunday before
    assert school.step_for_week(STEPS, date(2026, 11, 2)).text == "Half days"
    assert school.step_for_week(STEPS, date(2026, 11, 15)).text == "Half days"
    assert school.step_for_week(STEPS, date(2026, 11, 16)).text == "Three full days"
    assert school.step_for_week(STEPS, TODAY).text == "Three full days"
    assert STEPS[1].target() == "3 full days and 2 part days"
    assert STEPS[0].target() == "5 part days"


def test_this_weeks_step_counts_the_days_logged_so_far():
    # Mon full, Tue part, Wed not logged yet (today): 1 full + 1 part of 3 full + 2 part
    days = [(MON, "full"), (MON + timedelta(days=1), "part"), (MON - timedelta(days=1), "full")]
    week = metrics.school_step_week(STEPS, days, day=TODAY, today=TODAY)
    assert (week.week, week.full, week.part, week.unlogged_weekdays) == (MON, 1, 1, 1)
    assert not week.met
    assert week.week_so_far() == "1 full day and 1 part day so far"


def test_a_full_day_stands_in_for_a_part_day_but_not_the_other_way():
    # week of 16 Nov, step 3 full + 2 part: 5 full days reach it; 2 full + 3 part do not
    monday = date(2026, 11, 16)
    five_full = [(monday + timedelta(days=n), "full") for n in range(5)]
    week = metrics.school_step_week(STEPS, five_full, day=monday, today=TODAY)
    assert week.met and week.week_so_far() == "5 full days: step reached"
    mixed = [(monday + timedelta(days=n), "full" if n < 2 else "part") for n in range(5)]
    assert not metrics.school_step_week(STEPS, mixed, day=monday, today=TODAY).met
    absent = [(monday + timedelta(days=n), "absent_pain") for n in range(5)]
    week = metrics.school_step_week(STEPS, absent, day=monday, today=TODAY)
    assert (week.full, week.part, week.unlogged_weekdays, week.met) == (0, 0, 0, False)


def test_the_weeks_of_a_period_each_get_their_own_step():
    period = metrics.Period(date(2026, 10, 26), TODAY)  # from the week before the first step
    days = [(date(2026, 11, 2) + timedelta(days=n), "part") for n in range(5)]
    weeks = metrics.school_step_weeks(STEPS, days, period, today=TODAY)
    assert [w.week for w in weeks] == [date(2026, 11, d) for d in (2, 9, 16, 23)]
    assert [w.step.text for w in weeks] == ["Half days"] * 2 + ["Three full days"] * 2
    assert [w.met for w in weeks] == [True, False, False, False]
    assert weeks[1].unlogged_weekdays == 5


def test_the_plan_keeps_accommodations_and_steps_per_version_and_says_what_changed(world, db):
    teen = world.teens[0]
    first = world.plan(
        db,
        teen,
        exercises=[{"name": "Squats", "dose": "3 × 10", "days_per_week": 5}],
        accommodations=[{"key": "rest_breaks"}],
        school_steps=[
            {"starts_on": teen.discharged_on, "text": "Half days", "full_days": 0, "part_days": 5}
        ],
    )
    assert [a.key for a in first.accommodations] == ["rest_breaks"]
    assert first.school_steps[0].part_days == 5
    assert plans.changes(None, first) == ["First plan"]
    second = plans.save_plan(
        db,
        world.clinician_a,
        teen.id,
        today=TODAY,
        exercises=[{"key": first.exercises[0].key, "name": "Squats", "days_per_week": 5}],
        accommodations=[
            {"key": "rest_breaks", "reason": "Five minutes, then back to work."},
            {"key": "lift_pass"},
        ],
    )
    reread = plans.list_versions(db, teen.id)
    assert [v.id for v in reread] == [first.id, second.id]
    assert reread[0].accommodations == first.accommodations  # the old version is untouched
    assert plans.changes(first, second) == [
        "Exercise changed: Squats",  # its dose was emptied
        "School accommodation added: A lift or elevator pass",
        "School accommodation changed: Rest breaks",
        "Graded return: 0 steps",
    ]
    assert plans.changes(second, second) == ["No change"]


def test_today_and_my_progress_show_this_weeks_step_and_what_was_logged(world, db):
    from companion.care import checkins
    from companion.programme import get_settings, local_today
    from tests.apptest import app, texts

    teen, user = world.teens[0], world.teen_users[0]
    today = local_today(get_settings(db))  # the pages' today, in the programme's time zone
    at = app(user, db, page="pages/teen_home.py")
    assert "Back to school" not in texts(at)  # no graded return in the plan: no card
    world.plan(
        db,
        teen,
        school_steps=[
            {"starts_on": teen.discharged_on, "text": "Half days", "full_days": 0, "part_days": 5}
        ],
    )
    checkins.save_checkin(db, user, teen.id, day=today, today=today, values={"school": "full"})
    page = texts(app(user, db, page="pages/teen_home.py"))
    assert "This week's step: 5 part days (Half days)" in page
    assert "This week: 1 full day so far." in page
    page = texts(app(user, db, page="pages/teen_progress.py"))
    assert f"Week of {school.week_of(today):%-d %b}: 5 part days (Half days) — 1 full day" in page


# --- the school note ----------------------------------------------------------------------


def _note_world(world, db):
    """Maya's plan with two accommodations and a step; a day with pain 6 and a full day."""
    from companion.care import checkins
    from companion.programme import get_settings, local_today

    teen, user = world.teens[0], world.teen_users[0]
    today = local_today(get_settings(db))
    world.plan(
        db,
        teen,
        accommodations=[{"key": "rest_breaks"}, {"key": "lift_pass"}],
        school_steps=[
            {"starts_on": teen.discharged_on, "text": "Half days", "full_days": 0, "part_days": 5}
        ],
    )
    checkins.save_checkin(
        db, user, teen.id, day=today, today=today, values={"school": "full", "pain": 6, "mood": 4}
    )
    return teen, user, today


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def test_a_note_holds_only_what_the_teen_chose(world, db):
    from companion.care import school_note
    from companion.programme import get_settings

    teen, user, today = _note_world(world, db)
    settings = {**get_settings(db), "school_contact": "Nurses: call 555-0100."}
    bare = school_note.compose(db, user, teen.id, accommodations=[], today=today, settings=settings)
    assert bare["accommodations"] == [] and bare["helps"] == ""
    assert not {"pain", "mood", "attendance", "step", "contact", "us_504"} & set(bare)
    chosen = school_note.compose(
        db,
        user,
        teen.id,
        accommodations=["lift_pass"],
        helps="Stretching for a minute",
        include={"step": True, "contact": True, "us_504": True},
        today=today,
        settings=settings,
    )
    text = _pdf_text(school_note.to_pdf(chosen))
    assert "A lift or elevator pass" in text and "Rest breaks" not in text
    assert "Stretching for a minute" in text and "Half days: 5 part days a week" in text
    assert "Nurses: call 555-0100." in text and "504 plan" in text and "US term" in text
    assert "My pain" not in text and "0 to 10" not in text  # no pain figure unless ticked
    assert "My mood" not in text and "1 to 5" not in text
    with_pain = school_note.compose(
        db,
        user,
        teen.id,
        accommodations=[],
        include={"pain": True},
        today=today,
        settings=settings,
    )
    assert with_pain["pain"].startswith("6 on a scale of 0 to 10")
    with pytest.raises(InvalidInput):  # not in the plan
        school_note.compose(
            db, user, teen.id, accommodations=["second_books"], today=today, settings=settings
        )


def test_parents_get_a_note_only_while_the_teen_shares_it_and_the_care_team_sees_when(world, db):
    from companion import access
    from companion.access import Permission
    from companion.care import school_note
    from companion.errors import AccessDenied
    from companion.programme import get_settings

    teen, user, today = _note_world(world, db)
    content = school_note.compose(
        db, user, teen.id, accommodations=["rest_breaks"], today=today, settings=get_settings(db)
    )
    first = school_note.make(db, user, teen.id, content)
    second = school_note.make(db, user, teen.id, content)
    assert (first.number, second.number) == (1, 2)
    parent = world.parent_a
    assert not access.can(db, parent, Permission.VIEW_SHARED_SCHOOL_NOTE, teen)
    with pytest.raises(AccessDenied):
        school_note.note_pdf(db, parent, teen.id, second.id)
    school_note.share(db, user, teen.id, second.id, on=True)
    assert school_note.shared_note(db, parent, teen.id).id == second.id
    assert "Rest breaks" in _pdf_text(school_note.note_pdf(db, parent, teen.id, second.id))
    with pytest.raises(InvalidInput):  # only the shared one
        school_note.note_pdf(db, parent, teen.id, first.id)
    for outsider in (world.parent_b, world.clinician_b, world.teen_users[1], world.admin, None):
        with pytest.raises(AccessDenied):
            school_note.note_pdf(db, outsider, teen.id, second.id)
        with pytest.raises(AccessDenied):
            school_note.notes(db, outsider, teen.id)
    with pytest.raises(AccessDenied):  # the parent never sees the list, nor writes
        school_note.notes(db, parent, teen.id)
    with pytest.raises(AccessDenied):
        school_note.share(db, parent, teen.id, second.id, on=False)
    seen = school_note.notes(db, world.clinician_a, teen.id)
    assert [(n.number, n.shared) for n in seen] == [(1, False), (2, True)]
    school_note.share(db, user, teen.id, second.id, on=False)
    assert school_note.shared_note(db, user, teen.id) is None
    assert not access.can(db, parent, Permission.VIEW_SHARED_SCHOOL_NOTE, teen)
    assert school_note.notes(db, world.clinician_a, teen.id)[1].unshared_at is not None


def test_the_pages_make_share_and_show_the_note_to_each_person(world, db):
    from companion.care import school_note
    from tests.apptest import app, texts

    teen, user, _today = _note_world(world, db)
    at = app(user, db, page="pages/teen_school.py")
    assert not at.exception, at.exception
    assert [c.value for c in at.checkbox] == [False] * len(at.checkbox)  # nothing ticked
    at.checkbox(key="note_acc_lift_pass").check().run()
    at.text_area(key="note_teachers").input("I still want to take part.").run()
    assert "A lift or elevator pass" in texts(at) and "I still want to take part." in texts(at)
    at.button(key="make_note").click().run()
    assert "Note 1 is ready" in texts(at)
    (note,) = school_note.notes(db, user, teen.id)
    assert [a["label"] for a in note.content["accommodations"]] == ["A lift or elevator pass"]
    assert note.content["teachers"] == "I still want to take part."
    parent_page = texts(app(world.parent_a, db, page="pages/parent_overview.py"))
    assert "When Maya shares a note for school with you" in parent_page
    at.button(key="share_note").click().run()
    assert "Your parents can download note 1." in texts(at)
    parent = app(world.parent_a, db, page="pages/parent_overview.py")
    assert "Maya shared a note for school with you." in texts(parent)
    seen = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=teen.id)
    (label,) = [e.label for e in seen.expander if e.label.startswith("Note ")]
    assert label.startswith("Note 1, made") and "shared with parents since" in label
    assert "I still want to take part." in texts(seen)


def test_the_teens_data_download_holds_her_notes_and_deleting_her_record_removes_them(world, db):
    import io
    import zipfile

    from companion.care import school_note
    from companion.people import data_rights
    from companion.programme import get_settings

    teen, user, today = _note_world(world, db)
    content = school_note.compose(
        db, user, teen.id, accommodations=["rest_breaks"], today=today, settings=get_settings(db)
    )
    school_note.make(db, user, teen.id, content)
    with zipfile.ZipFile(io.BytesIO(data_rights.export_zip(db, user, today=today))) as z:
        data = json.loads(z.read("data.json"))
        readme = z.read("README.txt").decode()
    (kept,) = data["school_notes"]
    assert kept["number"] == 1 and json.loads(kept["content"]) == content
    assert "school_notes.csv" in readme
    assert json.loads(data["plan_versions"][0]["accommodations"])[0]["key"] == "rest_breaks"
    data_rights.delete_patient(db, world.admin, teen.id, teen.username)
    assert db.execute("SELECT COUNT(*) FROM school_notes").fetchone()[0] == 0
