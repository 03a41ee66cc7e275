"""The clinician's panel: figures for the last 14 days, flags first, filters, care teams."""

from __future__ import annotations

from datetime import timedelta

from companion import access, programme
from companion.care import checkins, plans
from companion.insight import panel
from tests.apptest import app, texts
from tests.conftest import TODAY


def setup_history(db, world):
    """Teen 1 logs every day with exercises done; teen 0 has never checked in."""
    teen = world.teens[1]
    world.plan(
        db,
        teen,
        exercises=[{"name": "Walk", "days_per_week": 7}],
        follow_ups=[TODAY + timedelta(days=5)],
    )
    key = plans.list_versions(db, teen.id)[0].exercises[0].key
    rows = [
        {"day": TODAY - timedelta(days=n), "school": "full", "outcomes": {key: "done"}}
        for n in range(14)
    ]
    checkins.import_history(db, teen, rows)
    return teen


def panel_table(db, patients, *, today, thresholds, **filters):
    """The panel as the page builds it (ui.panel_for, without the cache)."""
    rows = panel.panel_rows(db, patients, today=today, thresholds=thresholds)
    return panel.table(rows, today=today, **filters)


def test_panel_rows_by_hand(world, db):
    teen = setup_history(db, world)
    table = panel_table(
        db, access.visible_patients(db, world.clinician_a), today=TODAY, thresholds={}
    )
    by_name = table.set_index("Name")
    row = by_name.loc[teen.display_name]
    assert row["Check-in rate 14 d (%)"] == 100
    assert row["Exercise adherence 14 d (%)"] == 100
    assert row["School attendance 14 d (%)"] == 100  # every day logged "full"
    assert row["Last check-in"] == f"{TODAY:%-d %b %Y}" and row["Flags"] == ""
    quiet = by_name.loc[world.teens[0].display_name]
    assert quiet["Last check-in"] == "never" and quiet["Flags"].startswith("No check-in for 10")
    # flagged patients first, then the most recent discharges
    assert list(table["flagged"]) == sorted(table["flagged"], reverse=True)


def test_panel_filters(world, db):
    teen = setup_history(db, world)
    mine = access.visible_patients(db, world.clinician_a)
    flagged = panel_table(db, mine, today=TODAY, thresholds={}, flagged_only=True)
    assert teen.display_name not in set(flagged["Name"])
    recent = panel_table(db, mine, today=TODAY, thresholds={}, discharged_within=20)
    assert set(recent["Name"]) == {
        t.display_name for t in mine if t.days_since_discharge(TODAY) <= 20
    }
    due = panel_table(db, mine, today=TODAY, thresholds={}, follow_up_within=7)
    assert list(due["Name"]) == [teen.display_name]


def test_the_panel_page_lists_only_the_care_team(world, db):
    setup_history(db, world)
    at = app(world.clinician_b, db)
    page = texts(at)
    names = set(at.dataframe[0].value["Name"])
    assert names == {world.teens[1].display_name, world.teens[3].display_name}
    assert world.teens[0].display_name not in page
    assert programme.get_settings(db)  # settings read for thresholds


def test_the_batched_panel_agrees_with_each_teens_own_frames(db):
    """The panel reads a whole care team at once; every figure and flag must equal what the
    frame-based metrics give for each teen alone (a demo programme with months of history)."""
    from companion.care import questionnaires
    from companion.insight import metrics
    from companion.ops import demo
    from companion.people import patients

    made = demo.create_demo(db, seed=9, teens=6, today=TODAY, days=200, visits=True)
    team = [patients.get_patient(db, pid) for pid in made.patient_ids]
    rows = panel.panel_rows(db, team, today=TODAY, thresholds={"absences": 2})
    assert [r["patient_id"] for r in rows] == made.patient_ids
    flagged = 0
    for patient, row in zip(team, rows, strict=True):
        frame = checkins.checkins_frame(db, patient.id)
        outcomes = checkins.outcomes_frame(db, patient.id)
        versions = plans.list_versions(db, patient.id)
        fdi = metrics.questionnaire_series(
            questionnaires.list_responses(db, patient.id, questionnaires.FDI_ID),
            discharged_on=patient.discharged_on,
        )
        start = TODAY - timedelta(days=13)
        period = metrics.clip_period(start, TODAY, discharged_on=patient.discharged_on, today=TODAY)
        adherence = metrics.exercise_adherence(
            versions,
            outcomes,
            list(frame["day"]),
            start=start,
            end=TODAY,
            discharged_on=patient.discharged_on,
            today=TODAY,
        )
        flags = metrics.flags(
            frame,
            outcomes,
            versions,
            fdi,
            today=TODAY,
            discharged_on=patient.discharged_on,
            thresholds={"absences": 2},
        )
        pct = panel._pct
        assert row["Check-in rate 14 d (%)"] == pct(
            metrics.checkin_rate(list(frame["day"]), period).value
        )
        assert row["Exercise adherence 14 d (%)"] == pct(adherence.rate)
        assert row["School attendance 14 d (%)"] == pct(
            metrics.school_attendance(frame, period).rate
        )
        assert row["Flags"] == " ".join(f.reason for f in flags)
        assert row["Last check-in"] == f"{max(frame['day']):%-d %b %Y}"
        assert row["Latest FDI"] == int(fdi.latest[1])
        flagged += bool(flags)
    assert flagged >= 1  # the comparison covers flags that fire, not only empty ones


def test_the_panel_page_shows_blanks_not_none_and_each_flag_in_full(world, db):
    setup_history(db, world)
    at = app(world.clinician_a, db)
    assert not at.exception
    frame = at.dataframe[0].value
    assert "None" not in frame.astype(str).to_csv()
    flagged = panel_table(
        db,
        access.visible_patients(db, world.clinician_a),
        today=programme.local_today(programme.get_settings(db)),
        thresholds=programme.flag_thresholds(programme.get_settings(db)),
    )
    assert flagged["flagged"].any()
    for name, reasons in zip(flagged["Name"], flagged["Flags"], strict=True):
        if reasons:
            assert f"{name}: {reasons}" in [t.value for t in at.text]
