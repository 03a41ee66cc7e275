"""Programme outcomes (companion/insight/outcomes.py): every figure on small cohorts whose
answers were worked out by hand, and the reading of a real database (windows, the episode
boundary at a readmission, untouched values left missing)."""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import pytest

from companion import db as dbmod
from companion.access import AccessDenied
from companion.care import plans, questionnaires
from companion.insight import outcomes
from companion.insight.outcomes import describe, t975
from tests.conftest import TODAY

MODERATE, SEVERE, MINIMAL = "Moderate disability", "Severe disability", "No or minimal disability"


# --- statistics -----------------------------------------------------------------------------


def test_t_quantiles_match_the_table_and_the_expansion():
    assert t975(1) == 12.706 and t975(10) == 2.228 and t975(30) == 2.042
    assert t975(40) == pytest.approx(2.0211, abs=1e-4)  # exact: 2.02108
    assert t975(120) == pytest.approx(1.9799, abs=1e-4)  # exact: 1.97993
    with pytest.raises(ValueError):
        t975(0)


def test_describe_by_hand():
    # 2 4 4 4 5 5 7 9: mean 5, squares about the mean sum to 32, SD = sqrt(32/7) = 2.1381;
    # half-width = 2.365 * 2.1381 / sqrt(8) = 1.7878; median (4 + 5) / 2
    stat = describe([2, 4, 4, pd.NA, 4, 5, 5, 7, 9, None])
    assert stat.n == 8 and stat.mean == 5 and stat.median == 4.5
    assert stat.sd == pytest.approx(math.sqrt(32 / 7))
    assert stat.ci_low == pytest.approx(5 - 1.7878, abs=1e-4)
    assert stat.ci_high == pytest.approx(5 + 1.7878, abs=1e-4)
    assert (stat.minimum, stat.maximum) == (2, 9)
    one = describe([3])
    assert (one.n, one.mean, one.median, one.sd, one.ci_low) == (1, 3, 3, None, None)
    assert describe([]).n == 0 and describe([]).mean is None


# --- figures from hand-made frames ---------------------------------------------------------


def _measures(rows: list[dict]) -> pd.DataFrame:
    """Measure rows for the figures: every time point of every episode, unreached unless
    given, values missing unless given."""
    keys = sorted({r["episode_key"] for r in rows})
    given = {(r["episode_key"], r["time_point"]): r for r in rows}
    out = []
    for key in keys:
        for tp in outcomes.TIME_POINTS:
            row = dict.fromkeys(outcomes.MEASURE_COLUMNS)
            row.update(episode_key=key, time_point=tp.key, reached=False, has_data=False)
            row.update(given.get((key, tp.key), {}))
            if row["fdi"] is not None:
                row["fdi_band"] = questionnaires.fdi_band(row["fdi"])
            out.append(row)
    return pd.DataFrame(out, columns=outcomes.MEASURE_COLUMNS).astype(
        {"fdi": "Float64", "pain": "Float64", "school": "Float64", "reached": bool}
    )


def _at(key, tp, **values):
    return {"episode_key": key, "time_point": tp, "reached": True, "has_data": True, **values}


FOUR = _measures(
    [
        # teen 1: FDI 32 -> 20 at 3 months (severe -> moderate); pain 8 -> 7 (fell 1: improved)
        _at(1, "discharge", fdi=32, pain=8),
        _at(1, "3m", fdi=20, pain=7),
        # teen 2: FDI 20 -> 10 (moderate -> minimal); pain 4 -> 3.5 (12.5% of 4: improved)
        _at(2, "discharge", fdi=20, pain=4),
        _at(2, "3m", fdi=10, pain=3.5),
        # teen 3: FDI 15 -> 18 (moderate -> moderate); pain 4 -> 3.6 (0.4 < 0.5: not)
        _at(3, "discharge", fdi=15, pain=4),
        _at(3, "3m", fdi=18, pain=3.6),
        # teen 4: pain 0 -> 0 (cannot fall: in the n, not improved); no FDI at 3 months
        _at(4, "discharge", fdi=40, pain=0),
        _at(4, "3m", pain=0),
        # teen 5: reached 3 months with no data; no pain at discharge
        _at(5, "discharge", fdi=12),
        {"episode_key": 5, "time_point": "3m", "reached": True, "has_data": False},
        # teen 6: discharged, 3 months not reached yet (a value there would not count)
        _at(6, "discharge", fdi=30, pain=6),
    ]
)


def test_change_from_discharge_uses_the_teens_with_both():
    change = outcomes.change_from_discharge(FOUR, "fdi", "3m")
    # -12, -10, +3 (teens 1-3): mean -19/3, median -10
    assert change.n == 3
    assert change.mean == pytest.approx(-19 / 3) and change.median == -10
    pain = outcomes.change_from_discharge(FOUR, "pain", "3m")
    # -1, -0.5, -0.4, 0 (teens 1-4)
    assert pain.n == 4 and pain.mean == pytest.approx(-1.9 / 4)


def test_at_time_points_counts_only_teens_who_reached_it():
    stats = outcomes.at_time_points(FOUR, "fdi")
    assert stats["discharge"].n == 6 and stats["discharge"].mean == pytest.approx(149 / 6)
    assert stats["3m"].n == 3 and stats["3m"].mean == 16
    assert stats["6m"].n == 0


def test_pain_improvement_is_one_point_or_an_eighth():
    assert outcomes.pain_improved(FOUR, "3m") == (2, 4)
    assert outcomes.pain_improved(FOUR, "6m") == (0, 0)


def test_band_shift_by_hand():
    table = outcomes.band_shift(FOUR, "3m")
    assert list(table.index) == [MINIMAL, MODERATE, SEVERE] == list(table.columns)
    assert table.at[SEVERE, MODERATE] == 1  # teen 1
    assert table.at[MODERATE, MINIMAL] == 1  # teen 2
    assert table.at[MODERATE, MODERATE] == 1  # teen 3
    assert int(table.to_numpy().sum()) == 3


def test_retention_counts_reached_and_with_data():
    kept = outcomes.retention(FOUR).set_index("time_point")
    assert kept.loc["discharge"].tolist() == [6, 6]
    assert kept.loc["3m"].tolist() == [5, 4]  # teens 1-5 reached it; teen 5 has no data
    assert kept.loc["12m"].tolist() == [0, 0]


def _cohort(episodes: list[dict], measures: pd.DataFrame) -> outcomes.Cohort:
    frame = pd.DataFrame(
        [{c: e.get(c) for c in outcomes.EPISODE_COLUMNS} for e in episodes],
        columns=outcomes.EPISODE_COLUMNS,
    ).astype({"length_of_stay": "Int64", "referral_lag": "Int64"})
    return outcomes.Cohort(TODAY, TODAY, TODAY, frame, measures)


def test_groups_partition_the_teens_and_summaries_add_up():
    episodes = [
        {"episode_key": 1, "age": 11, "diagnosis_group": "Fibromyalgia", "race_ethnicity": "white"},
        {
            "episode_key": 2,
            "age": 13,
            "diagnosis_group": "Fibromyalgia",
            "race_ethnicity": "hispanic;white",
            "sex_at_birth": "female",
            "length_of_stay": 21,
            "referral_lag": 40,
        },
        {
            "episode_key": 3,
            "age": 15,
            "diagnosis_group": "Chronic headache",
            "race_ethnicity": "prefer_not_to_say",
            "sex_at_birth": "female",
            "length_of_stay": 28,
        },
        {"episode_key": 4, "age": 17, "diagnosis_group": "Chronic headache", "setting": "day"},
        {"episode_key": 5, "age": 18, "diagnosis_group": "Fibromyalgia", "sex_at_birth": "male"},
        {"episode_key": 6, "age": 14, "diagnosis_group": "Fibromyalgia"},
    ]
    cohort = _cohort(episodes, FOUR)
    race = outcomes.group_of(cohort, "race_ethnicity")
    assert race.to_dict() == {
        1: "White",
        2: "More than one",
        3: "Prefer not to say",
        4: "Not recorded",
        5: "Not recorded",
        6: "Not recorded",
    }
    summary = outcomes.cohort_summary(cohort)
    assert summary.n == 6
    assert summary.age.mean == pytest.approx(88 / 6) and summary.age.median == 14.5
    assert (summary.age.minimum, summary.age.maximum) == (11, 18)
    assert summary.length_of_stay.n == 2 and summary.length_of_stay.mean == 24.5
    assert summary.referral_lag.n == 1 and summary.referral_lag.mean == 40
    assert summary.counts["Age at discharge"] == {
        "Under 12": 1,
        "12 to 14": 2,
        "15 to 17": 2,
        "18 or older": 1,
    }
    sex = summary.counts["Sex assigned at birth"]
    assert sex == {"Female": 2, "Male": 1, "Intersex": 0, "Prefer not to say": 0, "Not recorded": 3}
    setting = summary.counts["Treatment setting"]
    assert setting["Day programme"] == 1 and setting["Not recorded"] == 5
    for heading, counts in summary.counts.items():
        assert sum(counts.values()) == 6, heading  # every split is a partition
    by = outcomes.by_group(cohort, "diagnosis_group", "fdi", "discharge")
    assert list(by) == ["Chronic headache", "Fibromyalgia"]
    assert by["Chronic headache"].n == 2 and by["Chronic headache"].mean == 27.5  # 15, 40
    assert by["Fibromyalgia"].n == 4 and by["Fibromyalgia"].mean == 23.5  # 32, 20, 12, 30


# --- reading a real database -----------------------------------------------------------------


def _checkin(db, patient_id, day, *, pain=None, school=None):
    stamp = dbmod.stamp()
    return (
        db["checkins"]
        .insert(
            {
                "patient_id": patient_id,
                "day": day.isoformat(),
                "pain": pain,
                "school": school,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        .last_pk
    )


def _response(db, patient_id, instrument, day, score):
    db["questionnaire_responses"].insert(
        {
            "patient_id": patient_id,
            "instrument": instrument,
            "version": "1",
            "day": day.isoformat(),
            "score": score,
            "created_at": dbmod.stamp(),
        }
    )


def test_reading_a_programme(world, db):
    """Teen 0 discharged 200 days before TODAY: the 1-month window worked by hand; teen 1
    readmitted 60 days after discharge, so its 3-month point belongs to the next stay."""
    teen, other = world.teens[0], world.teens[1]
    discharged = TODAY - timedelta(days=200)
    db.execute("DELETE FROM questionnaire_responses")
    db.execute("DELETE FROM visits")
    db.execute("UPDATE episodes SET admission_fdi = NULL, admission_pain = NULL")
    db.execute("UPDATE episodes SET discharged_on = ? WHERE patient_id IN (?, ?)",
               [discharged.isoformat(), teen.id, other.id])  # fmt: skip
    db.execute(
        "UPDATE episodes SET discharged_on = ? WHERE patient_id NOT IN (?, ?)",
        [(TODAY - timedelta(days=5)).isoformat(), teen.id, other.id],
    )
    plans.save_plan(
        db,
        world.clinician_a,
        teen.id,
        today=TODAY,
        starts_on=discharged,
        exercises=[{"name": "Walk", "dose": "20 min", "days_per_week": 7}],
    )
    key = db.execute(
        "SELECT key FROM plan_exercises JOIN plan_versions ON id = version_id WHERE patient_id = ?",
        [teen.id],
    ).fetchone()[0]
    one_month = discharged + timedelta(days=30)
    # pain on the last 4 of the 14 days up to day 30: mean of 2, 4, 6, 8 = 5
    for n, pain in enumerate((2, 4, 6, 8)):
        _checkin(db, teen.id, one_month - timedelta(days=3 - n), pain=pain)
    # pain on day 16 is outside the 14 days (17..30); 7 more logged days in the 4 weeks
    _checkin(db, teen.id, discharged + timedelta(days=16), pain=10)
    marks = ("full", "part", "absent_pain", "none", None, None)
    ids = [
        _checkin(db, teen.id, discharged + timedelta(days=20 + n), school=mark)
        for n, mark in enumerate(marks)
    ]
    for checkin_id in ids[:3]:
        db["exercise_outcomes"].insert(
            {"checkin_id": checkin_id, "exercise_key": key, "status": "done"}
        )
    db["exercise_outcomes"].insert({"checkin_id": ids[3], "exercise_key": key, "status": "part"})
    # FDI on day 20 (10 days from day 30) and day 41 (11 days): the nearer is taken
    _response(db, teen.id, questionnaires.FDI_ID, discharged + timedelta(days=20), 20)
    _response(db, teen.id, questionnaires.FDI_ID, discharged + timedelta(days=41), 30)
    _response(db, teen.id, questionnaires.FDI_ID, discharged + timedelta(days=2), 33)
    _response(db, teen.id, outcomes.INTERFERENCE_ID, discharged + timedelta(days=33), 6)
    # the other teen: readmitted on day 60, so 3 months is not reached in this episode
    db.execute(
        "UPDATE episodes SET ended_on = ?, admission_fdi = 41 WHERE patient_id = ?",
        [(discharged + timedelta(days=60)).isoformat(), other.id],
    )
    _checkin(db, other.id, discharged + timedelta(days=80), pain=3)

    with pytest.raises(AccessDenied):
        outcomes.load(db, world.teen_users[0], first=discharged, last=TODAY, today=TODAY)
    with pytest.raises(AccessDenied):
        outcomes.load(db, world.parent_a, first=discharged, last=TODAY, today=TODAY)
    cohort = outcomes.load(
        db, world.clinician_b, first=discharged, last=discharged, today=TODAY
    )  # clinician B does not care for teen 0: outcomes are the programme's
    assert sorted(cohort.episodes["patient_id"]) == sorted([teen.id, other.id])
    measures = cohort.measures.set_index(["episode_key", "time_point"])
    episode = int(cohort.episodes.set_index("patient_id").loc[teen.id, "episode_key"])
    month = measures.loc[(episode, "1m")]
    assert month["reached"] and month["has_data"]
    assert month["pain"] == 5 and month["pain_days"] == 4
    assert month["fdi"] == 20 and month["fdi_band"] == MODERATE
    assert month["interference"] == 6
    # the 4 weeks are days 3..30: 11 days logged; school (1 + 0.5) / 3 school days
    assert month["checkin_days"] == 11 and month["checkin_rate"] == pytest.approx(11 / 28)
    assert month["school"] == pytest.approx(0.5) and month["school_days"] == 3
    # adherence: 28 expected sessions; 3 done + half of one part = 3.5
    assert month["adherence"] == pytest.approx(3.5 / 28)
    discharge = measures.loc[(episode, "discharge")]
    assert discharge["fdi"] == 33 and pd.isna(discharge["pain"])  # no visit, no daily scores
    assert pd.isna(discharge["school"])  # the rates start after discharge
    admission = measures.loc[(episode, "admission")]
    assert pd.isna(admission["fdi"]) and not admission["has_data"]  # never recorded: not 0
    three = measures.loc[(episode, "3m")]
    assert three["reached"] and not three["has_data"] and pd.isna(three["pain"])
    assert three["checkin_rate"] == 0  # reached, nothing logged: a true 0
    twelve = measures.loc[(episode, "12m")]
    assert not twelve["reached"] and pd.isna(twelve["checkin_rate"])
    readmitted = int(cohort.episodes.set_index("patient_id").loc[other.id, "episode_key"])
    assert measures.loc[(readmitted, "admission"), "fdi"] == 41
    assert not measures.loc[(readmitted, "3m"), "reached"]
    assert measures.loc[(readmitted, "1m"), "reached"]
