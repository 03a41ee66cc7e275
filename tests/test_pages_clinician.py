"""The clinician's pages through the real app (AppTest): enrolment, the patient page, the
plan editor with its versions, goals and the care-team boundary."""

from __future__ import annotations

from companion import programme
from companion.auth import accounts
from companion.care import plans, school
from tests.apptest import app, texts
from tests.conftest import TODAY


def local_today(db):
    return programme.local_today(programme.get_settings(db))


def test_enrol_a_teen_shows_the_activation_code_once(world, db):
    at = app(world.clinician_b, db, page="pages/clinician_enrol.py")
    at.text_input(key="display_name").input("Noor")
    at.text_input(key="username").input("noor")
    at.selectbox(key="diagnosis_group").set_value("Chronic headache")
    at.button(key="enrol").click().run()  # the birth year left empty: refused, nothing made
    assert "Please enter a birth year such as 2011." in [e.value for e in at.error]
    assert accounts.find_user_by_username(db, "noor") is None
    at.number_input(key="birth_year").set_value(local_today(db).year - 13)
    at.number_input(key="baseline_fdi").set_value(33)
    at.button(key="enrol").click().run()
    assert not at.exception
    sheet = texts(at)
    assert "shown only once" in sheet
    import re

    teen_code, family_code = re.findall(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", sheet)[:2]
    assert accounts.describe_code(db, teen_code) == {"purpose": "activate", "username": "noor"}
    assert accounts.describe_code(db, family_code)["purpose"] == "link_parent"
    from companion.care import questionnaires
    from companion.people import patients

    noor = patients.find_patient_for_user(db, accounts.find_user_by_username(db, "noor").id)
    baseline = questionnaires.list_responses(db, noor.id, questionnaires.FDI_ID)
    assert [(r["score"], r["band"]) for r in baseline] == [(33, "Severe disability")]


def test_enrol_refuses_a_taken_username_beside_the_field(world, db):
    at = app(world.clinician_b, db, page="pages/clinician_enrol.py")
    at.text_input(key="display_name").input("Another Maya")
    at.text_input(key="username").input("maya")
    at.number_input(key="birth_year").set_value(local_today(db).year - 13)
    at.selectbox(key="diagnosis_group").set_value("Other")
    at.button(key="enrol").click().run()
    assert [e.value for e in at.error] == ["That username is taken. Please choose another."]


def test_family_and_reset_codes_from_the_patient_page(world, db):
    at = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=world.teens[2].id)
    at.button(key="family_code").click().run()
    code = at.code[0].value
    assert accounts.describe_code(db, code)["purpose"] == "link_parent"


def test_the_plan_editor_saves_a_new_version_each_time(world, db):
    teen = world.teens[0]
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    assert "No plan saved yet." in texts(at)
    at.multiselect(key=f"skills_{teen.id}").set_value(["Mindfulness", "Activity pacing"])
    at.text_area(key=f"warning_{teen.id}").input("Skipping school")
    at.text_area(key=f"follow_ups_{teen.id}").input(TODAY.isoformat())
    at.button(key="save_plan").click().run()
    assert not at.exception, at.exception
    versions = plans.list_versions(db, teen.id)
    assert len(versions) == 1 and versions[0].coping_skills == ("Mindfulness", "Activity pacing")
    assert versions[0].warning_signs == "Skipping school"
    assert "Saved as a new version" in texts(at)
    at.text_area(key=f"warning_{teen.id}").input("Skipping school, staying in bed")
    at.button(key="save_plan").click().run()
    versions = plans.list_versions(db, teen.id)
    assert [v.warning_signs for v in versions] == [
        "Skipping school",
        "Skipping school, staying in bed",
    ]
    assert versions[1].starts_on >= local_today(db)


def test_plan_editor_errors_stand_by_their_field(world, db):
    teen = world.teens[0]
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    at.text_area(key=f"follow_ups_{teen.id}").input("next tuesday")
    at.button(key="save_plan").click().run()
    assert any("like 2026-12-01" in e.value for e in at.error)
    assert plans.list_versions(db, teen.id) == []


def test_goals_are_added_and_archived(world, db):
    teen = world.teens[0]
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    at.text_input(key="goal_text").input("Back to football")
    at.selectbox(key="goal_category").set_value("sport")
    at.text_area(key="goal_steps").input("Watch practice\nJoin warm-up")
    at.button(key="add_goal").click().run()
    goal = plans.list_goals(db, teen.id)[0]
    assert goal.text == "Back to football" and goal.steps == ("Watch practice", "Join warm-up")
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    at.button(key=f"archive_{goal.id}").click().run()
    assert plans.list_goals(db, teen.id) == []


def test_outside_the_care_team_the_plan_editor_shows_only_own_patients(world, db):
    at = app(world.clinician_b, db, page="pages/clinician_plan.py", patient=world.teens[0].id)
    page = texts(at)
    assert "Maya" not in page
    assert "Jordan" in page  # falls back to a patient of their own


def test_fdi_totals_are_recorded_with_their_band(world, db):
    from companion.care import questionnaires

    teen = world.teens[0]
    at = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=teen.id)
    at.number_input(key="fdi_total").set_value(31)
    at.button(key="record_fdi").click().run()
    assert not at.exception
    assert "Recorded: 31 — Severe disability." in texts(at)
    rows = questionnaires.list_responses(db, teen.id, questionnaires.FDI_ID)
    assert [(r["score"], r["band"]) for r in rows] == [(31, "Severe disability")]
    at.number_input(key="fdi_total").set_value(None)
    at.button(key="record_fdi").click().run()
    assert any("whole number from 0 to 60" in e.value for e in at.error)


def test_flags_use_the_programmes_thresholds(world, db):
    teen = world.teens[0]  # no check-ins since discharge
    quiet = (local_today(db) - teen.discharged_on).days
    at = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=teen.id)
    assert any(w.value.startswith(f"No check-in for {quiet} days") for w in at.warning)
    programme.save_settings(db, {"flag_no_checkin_days": quiet + 1}, actor=world.admin)
    at = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=teen.id)
    assert not any(w.value.startswith("No check-in") for w in at.warning)


def test_adding_a_clinician_to_the_care_team_from_the_patient_page(world, db):
    from companion.people import patients

    teen = world.teens[0]
    at = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=teen.id)
    at.button(key="add_team").click().run()  # nobody chosen
    assert any("Please choose a clinician." in e.value for e in at.error)
    at.selectbox(key="add_clinician").set_value(world.clinician_b.id)
    at.button(key="add_team").click().run()
    assert not at.exception
    assert patients.is_on_care_team(db, world.clinician_b.id, teen.id)


def test_the_plan_editor_saves_school_accommodations_with_reasons_and_says_what_changed(world, db):
    teen = world.teens[0]
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    at.multiselect(key=f"accommodations_{teen.id}").set_value(["rest_breaks", "lift_pass"]).run()
    default = at.text_input(key=f"reason_lift_pass_{teen.id}")
    assert default.label == "Reason for teachers: A lift or elevator pass"
    assert default.value == school.CATALOGUE["lift_pass"][1]
    at.text_input(key=f"reason_rest_breaks_{teen.id}").input("Five minutes, then back.")
    at.button(key="save_plan").click().run()
    assert not at.exception, at.exception
    (saved,) = plans.list_versions(db, teen.id)
    assert [(a.key, a.reason) for a in saved.accommodations] == [
        ("rest_breaks", "Five minutes, then back."),
        ("lift_pass", school.CATALOGUE["lift_pass"][1]),
    ]
    assert saved.school_steps == ()
    at.multiselect(key=f"accommodations_{teen.id}").set_value(["rest_breaks"]).run()
    at.button(key="save_plan").click().run()
    assert [a.key for a in plans.list_versions(db, teen.id)[1].accommodations] == ["rest_breaks"]
    (history,) = [f.value for f in at.dataframe if "Changes" in f.value.columns]
    assert list(history["Changes"]) == [
        "School accommodation removed: A lift or elevator pass",
        "First plan",
    ]


def test_the_plan_editor_adds_changes_and_removes_graded_return_steps(world, db):
    from datetime import timedelta

    teen = world.teens[0]
    start = teen.discharged_on + timedelta(days=7)
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    assert at.text_input(key=f"step_text_1_{teen.id}").label == "Step 1"
    at.date_input(key=f"step_from_1_{teen.id}").set_value(start)
    at.text_input(key=f"step_text_1_{teen.id}").input("Half days")
    at.number_input(key=f"step_part_1_{teen.id}").set_value(5)
    at.button(key="save_plan").click().run()
    assert not at.exception, at.exception
    (first,) = plans.list_versions(db, teen.id)
    assert first.school_steps == (school.SchoolStep(start, "Half days", 0, 5),)
    # the saved step shows, with an empty one under it; only the date was given: refused
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    assert at.text_input(key=f"step_text_1_{teen.id}").value == "Half days"
    at.date_input(key=f"step_from_2_{teen.id}").set_value(start + timedelta(days=14))
    at.button(key="save_plan").click().run()
    assert any("say what the step is" in e.value for e in at.error)
    assert len(plans.list_versions(db, teen.id)) == 1
    at.text_input(key=f"step_text_2_{teen.id}").input("Full days")
    at.number_input(key=f"step_full_2_{teen.id}").set_value(5)
    at.button(key="save_plan").click().run()
    assert [s.text for s in plans.list_versions(db, teen.id)[-1].school_steps] == [
        "Half days",
        "Full days",
    ]
    # clearing a step's words removes it
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    at.text_input(key=f"step_text_1_{teen.id}").input("")
    at.button(key="save_plan").click().run()
    assert [s.text for s in plans.list_versions(db, teen.id)[-1].school_steps] == ["Full days"]


def test_the_plan_editor_keeps_accommodations_of_the_care_teams_own(world, db):
    teen = world.teens[0]
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    at.text_input(key=f"own_reason_1_{teen.id}").input("I can step out quietly.")
    at.button(key="save_plan").click().run()
    assert any("name each accommodation" in e.value for e in at.error)  # a reason, no name
    assert plans.list_versions(db, teen.id) == []
    at.text_input(key=f"own_label_1_{teen.id}").input("Sit near the door")
    at.button(key="save_plan").click().run()
    (saved,) = plans.list_versions(db, teen.id)
    assert [(a.key, a.label, a.reason) for a in saved.accommodations] == [
        ("own-1", "Sit near the door", "I can step out quietly.")
    ]
    at = app(world.clinician_a, db, page="pages/clinician_plan.py", patient=teen.id)
    assert at.text_input(key=f"own_label_1_{teen.id}").value == "Sit near the door"
    assert at.text_input(key=f"own_label_2_{teen.id}").value == ""  # room for one more
