"""The follow-up view (AppTest), recording a visit and the CSV export with its audit row."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from companion import audit, programme
from companion.care import checkins, plans, questionnaires, visits
from companion.errors import AccessDenied, InvalidInput
from tests.apptest import app, texts

NOTES = {1: "Tired after practice", 2: "**Walked** to school"}


@pytest.fixture
def followed(world, db):
    teen = world.teens[1]
    today = programme.local_today(programme.get_settings(db))
    plans.save_plan(
        db,
        world.clinician_a,
        teen.id,
        today=today,
        starts_on=teen.discharged_on,
        exercises=[{"name": "Walk", "days_per_week": 7}],
    )
    key = plans.list_versions(db, teen.id)[0].exercises[0].key
    rows = [
        {
            "day": today - timedelta(days=n),
            "school": "full",
            "pain": 4,
            "mood": 3 + n % 2,
            "outcomes": {key: "done" if n % 2 else "part"},
            "question": "Can I swim?" if n == 3 else "",
            "note": NOTES.get(n, ""),
        }
        for n in range(20)
    ]
    checkins.import_history(db, teen, rows)
    return teen, today


def test_the_follow_up_view_shows_the_period_with_denominators(world, db, followed):
    teen, today = followed
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    assert not at.exception
    page = texts(at)
    assert "No visit recorded yet" in page
    assert "Can I swim?" in page
    metric = {m.label: m for m in at.metric}
    assert metric["Check-in rate"].value  # shown with its denominator as help
    table = at.dataframe[0].value
    assert list(table["Exercise"]) == ["Walk"]


def test_recording_a_visit_starts_the_next_period(world, db, followed):
    teen, today = followed
    visit_day = today - timedelta(days=5)
    visits.record_visit(
        db,
        world.clinician_a,
        teen.id,
        day=visit_day,
        today=today,
        pain=3,
        fdi_total=18,
        notes="Doing well",
    )
    assert visits.last_visit_day(db, teen.id) == visit_day
    assert questionnaires.list_responses(db, teen.id, questionnaires.FDI_ID)[-1]["score"] == 18
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    # the visit day closed the period it reviewed: the next one starts the day after
    after = visit_day + timedelta(days=1)
    assert f"{after:%-d %b %Y} to {today:%-d %b %Y} (5 days)" in texts(at)
    with pytest.raises(InvalidInput):
        visits.record_visit(
            db,
            world.clinician_a,
            teen.id,
            day=today + timedelta(days=1),
            today=today,
            pain=None,
            fdi_total=None,
            notes="",
        )
    with pytest.raises(AccessDenied):
        visits.record_visit(
            db, world.parent_b, teen.id, day=today, today=today, pain=None, fdi_total=None, notes=""
        )


def test_the_csv_holds_the_period_names_no_one_and_is_audited(world, db, followed):
    teen, today = followed
    start = today - timedelta(days=6)
    data = visits.daily_csv(db, world.clinician_a, teen.id, start=start, end=today)
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert [r["day"] for r in rows] == [(start + timedelta(days=n)).isoformat() for n in range(7)]
    name = visits.csv_filename(teen.id, start, today)
    assert teen.display_name.lower() not in name and teen.username not in name
    entry = audit.list_entries(db, limit=1)[0]
    assert entry["action"] == "export_csv" and entry["patient_id"] == teen.id
    with pytest.raises(AccessDenied):
        visits.daily_csv(
            db,
            world.parent_b,  # the linked parent: never the daily notes
            teen.id,
            start=start,
            end=today,
        )


def test_the_pdf_opens_and_holds_the_period_and_the_figures_on_screen(world, db, followed):
    import pypdf

    from companion.insight import progress, reports

    teen, today = followed
    start = today - timedelta(days=13)
    p = progress.load(db, teen, start=start, end=today, today=today, pain=True, mood=True)
    data = visits.followup_report(
        db, world.clinician_a, teen.id, p, programme_name="Hillside Pain Rehab", today=today
    )
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 2  # one clean page, two when the period needs it
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"{start:%-d %b %Y} to {today:%-d %b %Y} (14 days)" in text
    for label, value in reports.figures(p):
        assert label in text
        assert " ".join(value.split())[:40] in text, value
    assert "Can I swim?" in text
    assert audit.list_entries(db, limit=1)[0]["action"] == "export_pdf"
    assert visits.report_filename(teen.id, start, today).startswith(f"followup-patient-{teen.id}-")
    with pytest.raises(AccessDenied):
        visits.followup_report(db, world.parent_b, teen.id, p, programme_name="x", today=today)


def test_each_follow_up_period_viewed_is_audited_with_its_dates(world, db, followed):
    teen, today = followed
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    at.button_group(key="followup_period").set_value("Last 30 days").run()
    rows = [
        e
        for e in audit.list_entries(db, actor="dr.rivera", patient_id=teen.id)
        if e["action"] == "view:followup"
    ]
    start = max(today - timedelta(days=29), teen.discharged_on)
    assert f"{start.isoformat()}..{today.isoformat()}" in {r["detail"] for r in rows}
    assert len(rows) == 2  # the default period, then the 30 days


def test_the_patient_page_view_is_audited_with_its_period(world, db, followed):
    teen, today = followed
    app(world.clinician_a, db, page="pages/clinician_patient.py", patient=teen.id)
    rows = [
        e["detail"]
        for e in audit.list_entries(db, actor="dr.rivera", patient_id=teen.id)
        if e["action"] == "view:patient"
    ]
    assert rows == [f"{teen.discharged_on.isoformat()}..{today.isoformat()}"]


# --- issue 12: Custom for a recent discharge, one visit per day, notes, the PDF ----------


def _enrol(db, clinician, today, days_ago, username):
    from companion.people import enrolment

    patient, _, _ = enrolment.enrol_at_discharge(
        db,
        clinician,
        display_name=username.title(),
        username=username,
        birth_year=today.year - 14,
        discharged_on=today - timedelta(days=days_ago),
        diagnosis_group="Other",
        today=today,
    )
    return patient


@pytest.mark.parametrize("days_ago", [0, 3, 13, 40])
def test_custom_opens_on_a_range_between_discharge_and_today(world, db, days_ago):
    today = programme.local_today(programme.get_settings(db))
    teen = _enrol(db, world.clinician_a, today, days_ago, "new.teen")
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    at.segmented_control(key="followup_period").set_value("Custom").run()
    assert not at.exception, at.exception
    picked = at.date_input(key=f"custom_range_{teen.id}").value
    start = max(today - timedelta(days=13), teen.discharged_on)
    assert tuple(picked) == (start, today)
    days = (today - start).days + 1
    assert f"{start:%-d %b %Y} to {today:%-d %b %Y} ({days} days)" in texts(at)


def test_recording_again_on_the_same_day_updates_that_visit(world, db, followed):
    teen, today = followed
    record = {"day": today, "today": today}
    first = visits.record_visit(
        db, world.clinician_a, teen.id, **record, pain=5, fdi_total=22, notes="First"
    )
    again = visits.record_visit(
        db, world.clinician_a, teen.id, **record, pain=4, fdi_total=19, notes="Edited"
    )
    assert not first["updated"] and again["updated"] and again["id"] == first["id"]
    rows = [v for v in visits.list_visits(db, teen.id) if v["day"] == today.isoformat()]
    assert [(r["pain"], r["fdi_total"], r["notes"]) for r in rows] == [(4, 19, "Edited")]
    fdi = questionnaires.list_responses(db, teen.id, questionnaires.FDI_ID)
    assert [r["score"] for r in fdi if r["day"] == today.isoformat()] == [19]
    # an FDI taken back on edit leaves no total behind for that day
    visits.record_visit(db, world.clinician_a, teen.id, **record, pain=4, fdi_total=None, notes="")
    fdi = questionnaires.list_responses(db, teen.id, questionnaires.FDI_ID)
    assert [r for r in fdi if r["day"] == today.isoformat()] == []
    # a refused value writes nothing
    with pytest.raises(InvalidInput) as refused:
        visits.record_visit(
            db, world.clinician_a, teen.id, **record, pain=4, fdi_total=75, notes=""
        )
    assert refused.value.field == "fdi_total"
    assert visits.visit_on(db, teen.id, today)["notes"] == ""


def test_the_visit_form_refuses_75_with_the_patient_pages_message(world, db, followed):
    teen, today = followed
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    # no bounds on the widget: in a browser a bounded box holds a typed 75 back and the
    # old value (or nothing) was saved with "recorded"
    box = at.number_input(key="visit_fdi")
    assert box.proto.max > 75
    box.set_value(75)
    at.button(key="record_visit").click().run()
    errors = [e.value for e in at.error]
    assert "The FDI total is a whole number from 0 to 60." in errors
    assert not at.success and visits.visit_on(db, teen.id, today) is None

    patient_page = app(world.clinician_a, db, page="pages/clinician_patient.py", patient=teen.id)
    patient_page.number_input(key="fdi_total").set_value(75)
    patient_page.button(key="record_fdi").click().run()
    assert [e.value for e in patient_page.error] == errors  # one validator, one message


def test_a_day_with_a_visit_opens_it_for_editing(world, db, followed):
    teen, today = followed
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    at.number_input(key="visit_fdi").set_value(21)
    at.number_input(key="visit_pain").set_value(3)
    at.text_area(key="visit_notes").set_value("Back at school")
    at.button(key="record_visit").click().run()
    assert not at.exception
    assert any("recorded" in s.value for s in at.success)
    assert at.button(key="record_visit").label == "Update visit"
    at.number_input(key="visit_fdi").set_value(18)
    at.button(key="record_visit").click().run()
    assert any("updated" in s.value for s in at.success)
    rows = [v for v in visits.list_visits(db, teen.id) if v["day"] == today.isoformat()]
    assert [(r["fdi_total"], r["pain"], r["notes"]) for r in rows] == [(18, 3, "Back at school")]

    fresh = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    assert fresh.number_input(key="visit_fdi").value == 18
    assert fresh.number_input(key="visit_pain").value == 3
    assert fresh.text_area(key="visit_notes").value == "Back at school"
    assert "A visit is already recorded on" in texts(fresh)


def test_since_the_last_visit_still_shows_the_period_just_reviewed(world, db, followed):
    teen, today = followed
    earlier = today - timedelta(days=10)
    visits.record_visit(
        db, world.clinician_a, teen.id, day=earlier, today=today, pain=4, fdi_total=None, notes=""
    )
    reviewed = f"{earlier + timedelta(days=1):%-d %b %Y} to {today:%-d %b %Y} (10 days)"
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    assert reviewed in texts(at)
    rate = {m.label: m.value for m in at.metric}["Check-in rate"]
    at.number_input(key="visit_pain").set_value(2)
    at.button(key="record_visit").click().run()
    assert visits.visit_on(db, teen.id, today) is not None
    assert reviewed in texts(at)
    assert {m.label: m.value for m in at.metric}["Check-in rate"] == rate
    # a late write-up of yesterday's visit, in the same session, keeps it too
    at.date_input(key=f"visit_day_{teen.id}").set_value(today - timedelta(days=1)).run()
    at.button(key="record_visit").click().run()
    assert visits.visit_on(db, teen.id, today - timedelta(days=1)) is not None
    assert reviewed in texts(at)
    # a new session the same day: today's visit is not the start of the period either
    again = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    after = f"{today:%-d %b %Y} to {today:%-d %b %Y} (1 days)"
    assert after in texts(again)  # the period after yesterday's visit: today


def test_the_teens_notes_show_newest_first_as_text_with_local_dates(world, db, followed):
    teen, today = followed
    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=teen.id)
    shown = [t.value for t in at.text]
    newer = f"{today - timedelta(days=1):%a %-d %b}: Tired after practice"
    older = f"{today - timedelta(days=2):%a %-d %b}: **Walked** to school"
    assert newer in shown and older in shown  # st.text: the asterisks stay as typed
    assert shown.index(newer) < shown.index(older)
    assert f"{today - timedelta(days=3):%a %-d %b}: Can I swim?" in shown


def _image_boxes(page):
    """(x0, y0, x1, y1) of each image drawn on a page (fpdf2: "w 0 0 h x y cm /I Do")."""
    boxes, matrix = [], None
    for operands, op in page.get_contents().operations:
        if op == b"cm":
            matrix = [float(v) for v in operands]
        elif op == b"Do" and matrix:
            w, _, _, h, x, y = matrix
            boxes.append((x, y, x + w, y + h))
    return boxes


def _words(page):
    """(x, y, text) of each piece of text on a page."""
    words = []

    def keep(text, cm, tm, *_):
        if text.strip():
            words.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

    page.extract_text(visitor_text=keep)
    return words


def test_the_pdf_puts_nothing_over_a_chart_and_has_every_section(world, db, followed):
    import pypdf

    from companion.insight import progress, reports

    teen, today = followed
    for n, total in ((19, 28), (5, 21)):
        questionnaires.record_fdi_total(
            db, world.clinician_a, teen.id, total, day=today - timedelta(days=n), today=today
        )
    p = progress.load(
        db, teen, start=teen.discharged_on, end=today, today=today, pain=True, mood=True
    )
    data = visits.followup_report(
        db, world.clinician_a, teen.id, p, programme_name="Hillside", today=today
    )
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 2
    charts = 0
    for page in reader.pages:
        boxes = _image_boxes(page)
        charts += len(boxes)
        for x, y, text in _words(page):
            for x0, y0, x1, y1 in boxes:
                assert not (x0 <= x <= x1 and y0 <= y <= y1), f"{text!r} prints over a chart"
    assert charts == 6  # school, exercise, activity, FDI, pain, mood
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for title in (
        "School: days at school a week (grey tick: school days logged)",
        "Exercise: sessions done a week (grey tick: sessions planned)",
        "Activity: active minutes a week",
        "Pain: weekly average",
        "Mood: weekly",
        "Goals",
        "Parent checks beside the teen's logs",
        "Coping skills",
    ):
        assert title in text, title
    for label, value in reports.figures(p):
        assert f"{label} {' '.join(value.split())[:30]}" in text, label
    adherence = p.adherence
    assert f"of {reports._fmt(adherence.expected)} expected sessions" in text
    assert "Walk" in text  # the per-exercise table
    newer = f"{today - timedelta(days=1):%a %-d %b}: Tired after practice"
    older = f"{today - timedelta(days=2):%a %-d %b}: **Walked** to school"
    assert text.index(newer) < text.index(older)
    assert "Can I swim?" in text


def test_an_fdi_edited_on_its_day_changes_what_the_views_cache_on(world, db, followed):
    from companion.insight import progress

    teen, today = followed
    record = {"day": today, "today": today, "pain": 4, "notes": ""}
    visits.record_visit(db, world.clinician_a, teen.id, **record, fdi_total=22)
    before = progress.latest_change(db, teen.id)
    visits.record_visit(db, world.clinician_a, teen.id, **record, fdi_total=19)
    # the response is replaced and SQLite hands the new row the old id
    assert progress.latest_change(db, teen.id) != before


def test_the_csv_names_exercises_as_the_plan_did(world, db):
    from tests.conftest import TODAY

    teen = world.teens[0]
    world.plan(
        db,
        teen,
        exercises=[
            {"name": "Wall squats", "dose": "3 × 10", "days_per_week": 7},
            {"name": "Calf raises", "dose": "2 × 15", "days_per_week": 7},
        ],
    )
    plan = plans.current_plan(db, teen.id, TODAY)
    squats, calves = (e.key for e in plan.exercises)
    checkins.save_checkin(
        db,
        world.teen_users[0],
        teen.id,
        day=TODAY,
        today=TODAY,
        values={"outcomes": {squats: "done", calves: "not_done"}},
    )
    data = visits.daily_csv(db, world.clinician_a, teen.id, start=TODAY, end=TODAY)
    row = next(csv.DictReader(io.StringIO(data.decode())))
    assert sorted(row["exercises"].split("; ")) == ["Calf raises: not done", "Wall squats: done"]
    assert squats not in row["exercises"]
