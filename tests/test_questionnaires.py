"""Questionnaires as data: loading (good and malformed files), scoring, bands, responses."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import questionnaires as qn
from companion.errors import InvalidInput
from tests.conftest import TODAY


def fdi_shaped(**changes) -> dict:
    """A made-up questionnaire with the FDI's shape: 15 items scored 0–4, summed, 3 bands."""
    data = {
        "id": "made-up-function",
        "version": "1",
        "title": "Made-up function check",
        "audience": "teen",
        "recall": "the past few days",
        "licence": "test only",
        "scoring": "sum",
        "every_days": 28,
        "items": [
            {
                "id": f"i{n}",
                "text": f"Made-up item {n}",
                "options": [{"label": str(s), "score": s} for s in range(5)],
            }
            for n in range(1, 16)
        ],
        "bands": [
            {"min": 0, "max": 12, "label": "none"},
            {"min": 13, "max": 29, "label": "mid"},
            {"min": 30, "max": 60, "label": "high"},
        ],
    }
    data.update(changes)
    return data


def parsed(**changes) -> qn.Questionnaire:
    return qn.parse(json.dumps(fdi_shaped(**changes)), "made-up.json")


def answers(*scores: int) -> dict:
    return {f"i{n}": s for n, s in enumerate(scores, start=1)}


def test_the_shipped_questionnaires_load_cleanly():
    found, problems = qn.load_all()
    assert problems == []
    assert {"readiness-ruler", "pain-interference"} <= set(found)
    ruler = found["readiness-ruler"]
    assert ruler.scoring == "single" and len(ruler.items[0].options) == 11
    assert qn.band(ruler, 8) == "Ready"
    assert found["pain-interference"].every_days == 7
    assert not any("fdi" in q for q in found)  # the FDI's items are never shipped


def test_sum_scoring_by_hand():
    q = parsed()
    assert qn.score(q, answers(*[0] * 15)) == 0
    assert qn.score(q, answers(*[4] * 15)) == 60
    assert qn.score(q, answers(1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0)) == 30


@pytest.mark.parametrize(("total", "label"), [(12, "none"), (13, "mid"), (29, "mid"), (30, "high")])
def test_band_edges(total, label):
    q = parsed()
    scores = [4] * (total // 4) + [total % 4] + [0] * 15
    assert qn.score(q, answers(*scores[:15])) == total
    assert qn.band(q, total) == label


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (0, "No or minimal disability"),
        (12, "No or minimal disability"),
        (13, "Moderate disability"),
        (29, "Moderate disability"),
        (30, "Severe disability"),
        (60, "Severe disability"),
    ],
)
def test_fdi_total_bands(total, label):
    assert qn.fdi_band(total) == label


@pytest.mark.parametrize("bad", [-1, 61, 12.5, True, "12", float("nan"), None])
def test_fdi_totals_outside_0_to_60_are_refused(bad):
    with pytest.raises(InvalidInput) as refused:
        qn.fdi_band(bad)
    assert refused.value.field == "fdi_total"


def test_mean_and_single_scoring():
    mean = parsed(
        scoring="mean",
        bands=[{"min": 0, "max": 1.99, "label": "low"}, {"min": 2, "max": 4, "label": "high"}],
    )
    assert qn.score(mean, answers(*[1] * 14, 2)) == round(16 / 15, 2)
    single = parsed(
        scoring="single",
        items=[fdi_shaped()["items"][0]],
        bands=[{"min": 0, "max": 4, "label": "all"}],
    )
    assert qn.score(single, {"i1": 3}) == 3


def test_a_missing_answer_is_refused_not_prorated():
    q = parsed()
    with pytest.raises(InvalidInput) as refused:
        qn.score(q, answers(*[1] * 14))
    assert refused.value.field == "i15"


@pytest.mark.parametrize("bad", [5, -1, 2.5, "2", True])
def test_an_answer_not_among_the_options_is_refused(bad):
    with pytest.raises(InvalidInput):
        qn.score(parsed(), {**answers(*[1] * 15), "i3": bad})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "one JSON object"),
        (json.dumps(fdi_shaped(id="Bad Id")), "'id'"),
        (json.dumps(fdi_shaped(scoring="median")), "'scoring'"),
        (json.dumps(fdi_shaped(items=[])), "at least one question"),
        (json.dumps(fdi_shaped(every_days=0)), "every_days"),
        (json.dumps(fdi_shaped(scoring="single")), "exactly one item"),
        (
            json.dumps(
                fdi_shaped(
                    bands=[
                        {"min": 0, "max": 30, "label": "a"},
                        {"min": 30, "max": 60, "label": "b"},
                    ]
                )
            ),
            "overlap",
        ),
        (
            json.dumps(
                fdi_shaped(
                    bands=[
                        {"min": 0, "max": 12, "label": "a"},
                        {"min": 14, "max": 60, "label": "b"},
                    ]
                )
            ),
            "covers the score 13",
        ),
        (
            json.dumps(fdi_shaped(bands=[{"min": 0, "max": 50, "label": "a"}])),
            "covers the score 51",
        ),
        (json.dumps(fdi_shaped(items=[{"id": "x", "text": "t", "options": []}])), "no options"),
        (
            json.dumps(
                fdi_shaped(
                    items=[
                        {
                            "id": "x",
                            "text": "t",
                            "options": [{"label": "a", "score": 1}, {"label": "b", "score": 1}],
                        }
                    ]
                )
            ),
            "one score",
        ),
        (
            json.dumps(
                fdi_shaped(
                    items=[{"id": "x", "text": "t", "options": [{"label": "a", "score": "one"}]}]
                )
            ),
            "must be a number",
        ),
        (json.dumps(fdi_shaped(title="")), "'title'"),
    ],
)
def test_malformed_files_are_reported_by_name_and_problem(tmp_path, text, problem):
    (tmp_path / "good.json").write_text(json.dumps(fdi_shaped()))
    (tmp_path / "broken.json").write_text(text)
    found, problems = qn.load_folder(tmp_path)
    assert list(found) == ["made-up-function"]
    assert len(problems) == 1
    assert problems[0].startswith("broken.json: ") and problem in problems[0], problems[0]


def test_a_programme_folder_can_replace_a_shipped_questionnaire(tmp_path):
    ruler = json.loads(
        (qn.config.CONTENT_DIR / "questionnaires" / "readiness-ruler.json").read_text()
    )
    (tmp_path / "ruler.json").write_text(json.dumps({**ruler, "version": "2-local"}))
    found, problems = qn.load_all(tmp_path)
    assert problems == [] and found["readiness-ruler"].version == "2-local"
    assert qn.load_all(tmp_path / "missing")[1] == []


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    (tmp_path / "huge.json").write_text(" " * (qn.MAX_FILE_BYTES + 1))
    assert "larger than 200 kB" in qn.load_folder(tmp_path)[1][0]


def test_responses_one_per_day_and_due_dates(world, db):
    patient = world.teens[0]  # discharged 10 days before TODAY
    q = parsed()
    assert qn.due(db, patient, q, today=TODAY)
    qn.save_response(
        db,
        patient,
        q,
        answers(*[1] * 15),
        day=TODAY - timedelta(days=2),
        today=TODAY,
        entered_by=world.teen_users[0].id,
    )
    row = qn.save_response(
        db,
        patient,
        q,
        answers(*[2] * 15),
        day=TODAY - timedelta(days=2),
        today=TODAY,
        entered_by=world.teen_users[0].id,
    )
    assert row["score"] == 30 and row["band"] == "high"
    assert len(qn.list_responses(db, patient.id, q.id)) == 1
    assert not qn.due(db, patient, q, today=TODAY)
    assert not qn.due(db, patient, q, today=TODAY + timedelta(days=25))
    assert qn.due(db, patient, q, today=TODAY + timedelta(days=26))  # 28 days after


def test_responses_refuse_future_days_and_days_before_discharge(world, db):
    patient = world.teens[0]
    for day in (TODAY + timedelta(days=1), patient.discharged_on - timedelta(days=1)):
        with pytest.raises(InvalidInput) as refused:
            qn.save_response(
                db, patient, parsed(), answers(*[1] * 15), day=day, today=TODAY, entered_by=None
            )
        assert refused.value.field == "day"
    assert qn.list_responses(db, patient.id) == []


def test_clinicians_record_fdi_totals(world, db):
    patient = world.teens[0]
    row = qn.record_fdi_total(
        db, patient, 27, day=TODAY, today=TODAY, entered_by=world.clinician_a.id
    )
    assert (row["instrument"], row["score"], row["band"]) == (
        "fdi-total",
        27,
        "Moderate disability",
    )
    with pytest.raises(InvalidInput):
        qn.record_fdi_total(db, patient, 61, day=TODAY, today=TODAY, entered_by=None)
    assert len(qn.list_responses(db, patient.id, qn.FDI_ID)) == 1


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from([f"i{n}" for n in range(1, 16)]), st.text(max_size=4)),
        anything,
        max_size=18,
    )
)
def test_scoring_any_answers_gives_a_score_in_range_or_invalid_input(raw):
    q = parsed()
    try:
        value = qn.score(q, raw)
    except InvalidInput:
        return
    assert 0 <= value <= 60 and not math.isnan(value)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from([f"i{n}" for n in range(1, 16)]),
        st.one_of(st.integers(-2, 6), anything),
        min_size=10,
        max_size=15,
    )
)
def test_saving_any_answers_stores_one_complete_row_or_nothing(world, db, raw):
    patient = world.teens[0]
    db.execute("DELETE FROM questionnaire_responses")
    try:
        qn.save_response(db, patient, parsed(), raw, day=TODAY, today=TODAY, entered_by=None)
    except InvalidInput:
        assert qn.list_responses(db, patient.id) == []
        return
    rows = qn.list_responses(db, patient.id)
    assert len(rows) == 1 and len(json.loads(rows[0]["answers"])) == 15
