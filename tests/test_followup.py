"""The follow-up view (AppTest), recording a visit and the CSV export with its audit row."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from companion import audit, checkins, plans, programme, questionnaires, visits
from companion.errors import AccessDenied, InvalidInput
from tests.apptest import app, texts


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
            "outcomes": {key: "done" if n % 2 else "part"},
            "question": "Can I swim?" if n == 3 else "",
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
    assert f"{visit_day:%-d %b %Y} to {today:%-d %b %Y} (6 days)" in texts(at)
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

    from companion import progress, reports

    teen, today = followed
    start = today - timedelta(days=13)
    p = progress.load(db, teen, start=start, end=today, today=today, pain=True, mood=True)
    data = visits.followup_report(
        db, world.clinician_a, teen.id, p, programme_name="Hillside Pain Rehab", today=today
    )
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
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
