"""Questionnaires as data: loading (good and malformed files), scoring, bands, responses.

The engine is tested on made-up questionnaires in tests/fixtures/questionnaires/ (one with
the FDI's shape; the FDI's own items are never written anywhere in this repository).
"""

from __future__ import annotations

import json
import math
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import config
from companion.care import questionnaires as qn
from companion.errors import AccessDenied, CompanionError, InvalidInput
from tests.conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures" / "questionnaires"
SHIPPED = config.CONTENT_DIR / "questionnaires"
GOOD = {"made-up-function", "made-up-mean", "made-up-single"}

# each malformed fixture → the words its problem message must contain
BAD = {
    "bad-not-json.json": "not valid JSON",
    "bad-not-an-object.json": "must hold one JSON object",
    "bad-duplicate-key.json": "the key 'version' appears twice",
    "bad-missing-title.json": "'title' must be text of 1 to 120 characters",
    "bad-title-too-long.json": "'title' must be text of 1 to 120 characters",
    "bad-title-not-text.json": "'title' must be text",
    "bad-id.json": "'id' must be 1 to 40 lowercase letters",
    "bad-id-reserved.json": "kept for clinician-entered totals",
    "bad-version-missing.json": "'version'",
    "bad-scoring.json": "'scoring' must be one of: sum, mean, single",
    "bad-every-days-zero.json": "'every_days' must be a whole number from 1 to 365",
    "bad-every-days-too-many.json": "'every_days' must be a whole number from 1 to 365",
    "bad-every-days-text.json": "'every_days' must be a whole number from 1 to 365",
    "bad-no-items.json": "'items' must list at least one question",
    "bad-items-not-a-list.json": "'items' must list at least one question",
    "bad-item-id.json": "each item needs an 'id'",
    "bad-duplicate-item-ids.json": "two items share the id 'q1'",
    "bad-item-no-options.json": "item 'q1' has no options",
    "bad-item-text-too-long.json": "'text' must be text of 1 to 300 characters",
    "bad-label-too-long.json": "'label' must be text of 1 to 80 characters",
    "bad-duplicate-option-scores.json": "item 'q1' has two options with the same score",
    "bad-score-text.json": "the scores of item 'q1' must be a number",
    "bad-score-bool.json": "the scores of item 'q1' must be a number",
    "bad-score-nan.json": "the scores of item 'q1' must be a number",
    "bad-score-huge.json": "must be a number from -1,000,000 to 1,000,000",
    "bad-single-two-items.json": "'single' scoring needs exactly one item",
    "bad-bands-missing.json": "'bands' must list at least one band",
    "bad-band-min-above-max.json": "band 'Made-up band 2' has its min above its max",
    "bad-bands-overlap.json": "bands 'Made-up band 1' and 'Made-up band 2' overlap",
    "bad-bands-gap.json": "no band covers the score 4 (between",
    "bad-bands-short-top.json": "no band covers the score 8",
    "bad-bands-short-bottom.json": "no band covers the score 0",
    "bad-mean-gap.json": "no band covers the score 1.67",
    "bad-sum-half-points-gap.json": "no band covers the score 0.5",
}


def fixture(name: str) -> qn.Questionnaire:
    return qn.parse((FIXTURES / name).read_text(), name)


def fixture_data(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def made_up(**changes) -> qn.Questionnaire:
    """The FDI-shaped made-up questionnaire, changed."""
    return qn.parse(json.dumps({**fixture_data("good-function.json"), **changes}), "made-up")


def items(count: int, scores: list[float], prefix: str = "i") -> list[dict]:
    options = [{"label": f"Made-up answer {s}", "score": s} for s in scores]
    return [
        {"id": f"{prefix}{n}", "text": f"Made-up item {n}", "options": options}
        for n in range(1, count + 1)
    ]


def bands(*edges: tuple[float, float]) -> list[dict]:
    return [{"min": a, "max": b, "label": f"band {a}-{b}"} for a, b in edges]


def answers(*scores: float) -> dict:
    return {f"i{n}": s for n, s in enumerate(scores, start=1)}


def total_of(total: int) -> dict:
    """FDI-shaped answers (0–4 each) adding up to ``total``."""
    scores = [4] * (total // 4) + [total % 4] * (total % 4 > 0)
    return answers(*(scores + [0] * 15)[:15])


# --- shipped files -------------------------------------------------------------------------


def test_the_shipped_questionnaires_load_with_no_errors():
    found, problems = qn.load_folder(SHIPPED)
    assert problems == []
    assert all(q.source.endswith(".json") and q.licence for q in found.values())
    assert not any("fdi" in qid for qid in found)  # the FDI's items are never shipped
    assert qn.load_all() == (found, [])


def test_the_readiness_ruler_and_pain_interference_are_shipped():
    found, _ = qn.load_folder(SHIPPED)
    assert sorted(q.source.rsplit("/", 1)[-1] for q in found.values()) == [
        "pain-interference.json",
        "readiness-ruler.json",
    ]  # a rename or a lost file fails here rather than skipping
    for qid in ("readiness-ruler", "pain-interference"):
        q = found[qid]
        assert q.scoring == "single" and len(q.items) == 1
        assert [o.score for o in q.items[0].options] == list(range(11))
        assert q.score_range() == (0, 10)
    assert found["readiness-ruler"].every_days == 14
    assert found["pain-interference"].every_days == 7


# --- scoring and bands ---------------------------------------------------------------------


def test_sum_scoring_by_hand():
    q = fixture("good-function.json")
    assert qn.score(q, answers(*[0] * 15)) == 0
    assert qn.score(q, answers(*[4] * 15)) == 60
    assert qn.score(q, answers(1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0)) == 30
    assert qn.score(q, answers(3, *[0] * 14)) == 3
    assert qn.score(q, answers(*[1] * 14, 4)) == 18
    assert q.score_range() == (0, 60)


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (0, "Made-up low"),
        (12, "Made-up low"),
        (13, "Made-up middle"),
        (29, "Made-up middle"),
        (30, "Made-up high"),
        (60, "Made-up high"),
    ],
)
def test_band_edges_of_the_fdi_shaped_questionnaire(total, label):
    q = fixture("good-function.json")
    assert qn.score(q, total_of(total)) == total
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
        (12.0, "No or minimal disability"),
    ],
)
def test_fdi_total_bands(total, label):
    assert qn.fdi_band(total) == label


@pytest.mark.parametrize("bad", [-1, 61, 12.5, True, False, "12", float("nan"), math.inf, None])
def test_fdi_totals_that_are_not_whole_numbers_from_0_to_60_are_refused(bad):
    with pytest.raises(InvalidInput) as refused:
        qn.fdi_band(bad)
    assert refused.value.field == "fdi_total"


@pytest.mark.parametrize(
    ("chosen", "expected", "label"),
    [
        ((0, 0, 0), 0, "Made-up low"),
        ((1, 1, 2), 1.33, "Made-up low"),
        ((1, 2, 2), 1.67, "Made-up high"),
        ((4, 4, 4), 4, "Made-up high"),
    ],
)
def test_mean_scoring_rounds_to_two_decimals(chosen, expected, label):
    q = fixture("good-mean.json")
    value = qn.score(q, {f"m{n}": s for n, s in enumerate(chosen, start=1)})
    assert value == expected
    assert qn.band(q, value) == label


def test_a_mean_exactly_halfway_rounds_up():
    q = made_up(scoring="mean", items=items(8, [0, 1]), bands=bands((0, 1)))
    assert qn.score(q, answers(1, *[0] * 7)) == 0.13  # 1/8 = 0.125, not banker's 0.12
    assert qn.score(q, answers(1, 1, 1, *[0] * 5)) == 0.38  # 0.375


def test_sums_of_decimal_scores_are_exact():
    q = made_up(items=items(3, [0, 0.1, 0.2]), bands=bands((0, 0.3), (0.4, 0.6)))
    value = qn.score(q, answers(0.1, 0.1, 0.1))  # 0.1 + 0.1 + 0.1 is 0.30000000000000004 in floats
    assert value == 0.3 and qn.band(q, value) == "band 0-0.3"


def test_single_scoring():
    q = fixture("good-single.json")
    assert qn.score(q, {"rating": 5}) == 5
    assert qn.band(q, 5) == "Made-up high" and qn.band(q, 0) == "Made-up low"
    with pytest.raises(InvalidInput) as refused:
        qn.score(q, {"rating": 4})
    assert refused.value.field == "rating"


def test_a_missing_answer_is_refused_not_prorated():
    q = fixture("good-function.json")
    for incomplete in (answers(*[1] * 14), {**answers(*[1] * 15), "i15": None}):
        with pytest.raises(InvalidInput) as refused:
            qn.score(q, incomplete)
        assert refused.value.field == "i15"
        assert refused.value.message == "Please answer every question."


@pytest.mark.parametrize("bad", [5, -1, 2.5, "2", True, float("nan"), math.inf, 10**400, [2]])
def test_an_answer_not_among_the_options_is_refused(bad):
    with pytest.raises(InvalidInput) as refused:
        qn.score(fixture("good-function.json"), {**answers(*[1] * 15), "i3": bad})
    assert refused.value.field == "i3"


def test_answers_to_unknown_questions_or_not_a_mapping_are_refused():
    q = fixture("good-function.json")
    for bad in ({**answers(*[1] * 15), "i16": 1}, [1] * 15, None):
        with pytest.raises(InvalidInput) as refused:
            qn.score(q, bad)
        assert refused.value.field == "answers"


def test_a_score_outside_every_band_is_refused():
    with pytest.raises(InvalidInput):
        qn.band(fixture("good-function.json"), 61)


# --- malformed files -----------------------------------------------------------------------


def test_the_fixture_folder_keeps_the_good_files_and_reports_each_bad_one():
    found, problems = qn.load_folder(FIXTURES)
    assert set(found) == GOOD
    by_file = {problem.split(": ", 1)[0]: problem for problem in problems}
    assert len(by_file) == len(problems)  # one message per bad file
    assert set(by_file) == set(BAD) == {p.name for p in FIXTURES.glob("bad-*.json")}


@pytest.mark.parametrize(("name", "problem"), sorted(BAD.items()))
def test_each_malformed_file_is_reported_by_name_and_problem(tmp_path, name, problem):
    shutil.copy(FIXTURES / "good-function.json", tmp_path)
    shutil.copy(FIXTURES / name, tmp_path)
    found, problems = qn.load_folder(tmp_path)
    assert list(found) == ["made-up-function"]
    assert len(problems) == 1
    assert problems[0].startswith(f"{name}: ") and problem in problems[0], problems[0]
    with pytest.raises(qn.QuestionnaireError) as refused:
        qn.parse((FIXTURES / name).read_text(), name)
    assert isinstance(refused.value, CompanionError)
    assert refused.value.source == name and problem in refused.value.problem


def write(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def test_files_that_cannot_be_read_as_text_are_reported(tmp_path):
    good = (FIXTURES / "good-single.json").read_text()
    write(tmp_path, "a-huge.json", " " * (qn.MAX_FILE_BYTES + 1))
    write(
        tmp_path,
        "b-latin1.json",
        good.replace("–", "-").replace("Made-up", "Résumé").encode("latin-1"),
    )
    write(tmp_path, "c-long-number.json", '{"id": ' + "1" * 5000 + "}")
    write(tmp_path, "d-deep.json", "[" * 100_000 + "]" * 100_000)
    (tmp_path / "e-folder.json").mkdir()
    write(tmp_path, "f-bom.json", "\ufeff" + good)  # a byte-order mark is fine
    found, problems = qn.load_folder(tmp_path)
    assert list(found) == ["made-up-single"]
    assert problems == [
        "a-huge.json: the file is larger than 200 kB",
        "b-latin1.json: the file is not UTF-8 text",
        "c-long-number.json: not valid JSON (a number is too long or the nesting too deep)",
        "d-deep.json: not valid JSON (a number is too long or the nesting too deep)",
        "e-folder.json: this is not a file",
    ]
    with pytest.raises(qn.QuestionnaireError, match="larger than 200 kB"):
        qn.parse(" " * (qn.MAX_FILE_BYTES + 1), "text")


def test_a_second_file_with_the_same_id_is_reported_and_the_first_kept(tmp_path):
    data = fixture_data("good-single.json")
    write(tmp_path, "a.json", json.dumps(data))
    write(tmp_path, "b.json", json.dumps({**data, "version": "2"}))
    found, problems = qn.load_folder(tmp_path)
    assert found["made-up-single"].version == "1"
    assert problems == ["b.json: the id 'made-up-single' is already used by a.json"]


def test_a_missing_folder_gives_nothing_and_no_error(tmp_path):
    assert qn.load_folder(tmp_path / "missing") == ({}, [])
    assert qn.load_folder(None) == ({}, [])


def test_a_programme_folder_adds_and_replaces_shipped_questionnaires(tmp_path, monkeypatch):
    content = tmp_path / "content"
    (content / "questionnaires").mkdir(parents=True)
    shutil.copy(FIXTURES / "good-single.json", content / "questionnaires")
    shutil.copy(FIXTURES / "good-mean.json", content / "questionnaires")
    monkeypatch.setattr(config, "CONTENT_DIR", content)
    programme = tmp_path / "programme"
    programme.mkdir()
    newer = {**fixture_data("good-single.json"), "version": "2-local"}
    write(programme, "single.json", json.dumps(newer))
    shutil.copy(FIXTURES / "good-function.json", programme)
    shutil.copy(FIXTURES / "bad-scoring.json", programme)
    found, problems = qn.load_all(programme)
    assert set(found) == GOOD
    assert found["made-up-single"].version == "2-local"
    assert found["made-up-mean"].version == "1"
    assert [p.split(":")[0] for p in problems] == ["bad-scoring.json"]
    found, problems = qn.load_all(tmp_path / "gone")
    assert set(found) == {"made-up-single", "made-up-mean"}
    assert problems == [f"{tmp_path / 'gone'}: the programme's folder was not found"]


def test_band_gaps_are_checked_on_a_grid_when_the_scores_are_too_many_to_list(monkeypatch):
    monkeypatch.setattr(qn, "_EXACT_WORK", 0)
    assert qn.score(fixture("good-function.json"), total_of(13)) == 13  # still loads
    half = fixture_data("bad-sum-half-points-gap.json")
    qn.parse(json.dumps({**half, "bands": bands((0, 0.5), (1, 2))}), "half")  # no gap on 0.5s
    for name, problem in [
        ("bad-bands-gap.json", "no band covers the score 4 "),
        ("bad-sum-half-points-gap.json", "no band covers the score 0.5 "),
        # the mean fixture's gap holds no achievable mean, but it holds 1.51 on the 0.01 grid
        ("good-mean.json", "no band covers the score 1.51 "),
    ]:
        with pytest.raises(qn.QuestionnaireError, match=problem):
            fixture(name)


@pytest.mark.parametrize("work", [qn._EXACT_WORK, 0])  # listed exactly, then on the grid
def test_bands_beyond_the_possible_scores_are_allowed_and_edges_are_exact(monkeypatch, work):
    monkeypatch.setattr(qn, "_EXACT_WORK", work)
    small = fixture_data("bad-bands-gap.json")  # two items scored 0-4, summed: 0 to 8
    for edges in [((-5, -3), (-1, 8)), ((0, 8), (10, 20))]:
        qn.parse(json.dumps({**small, "bands": bands(*edges)}), "extra-bands")
    mean = {**fixture_data("good-mean.json"), "items": items(3, [0, 1, 2, 3, 4], "m")}
    qn.parse(json.dumps({**mean, "bands": bands((0, 1.67), (1.68, 4))}), "touching")
    gap = {**mean, "bands": bands((0, 1.67), (2.1, 4))}
    problem = "1.68" if work == 0 else "2"  # the grid's next step, or the next mean (6/3)
    with pytest.raises(qn.QuestionnaireError, match=f"no band covers the score {problem} "):
        qn.parse(json.dumps(gap), "gap")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


PLACES = [
    ("id",),
    ("version",),
    ("scoring",),
    ("every_days",),
    ("title",),
    ("items",),
    ("items", 0),
    ("items", 0, "id"),
    ("items", 0, "text"),
    ("items", 0, "options"),
    ("items", 0, "options", 0),
    ("items", 0, "options", 0, "score"),
    ("items", 0, "options", 0, "label"),
    ("bands",),
    ("bands", 0),
    ("bands", 0, "min"),
    ("bands", 1, "max"),
    ("bands", 2, "label"),
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PLACES), json_values)
def test_any_damaged_definition_loads_or_is_refused_with_a_questionnaire_error(place, value):
    data = fixture_data("good-function.json")
    target = data
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value
    try:
        q = qn.parse(json.dumps(data), "damaged.json")
    except qn.QuestionnaireError as error:
        assert str(error).startswith("damaged.json: ")
    else:
        low, high = q.score_range()
        assert qn.band(q, low) and qn.band(q, high)


# --- scoring anything ----------------------------------------------------------------------

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.integers(-2, 6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, 2.0, 0.5, 10**400]),
    st.text(max_size=5),
    st.lists(st.integers(0, 4), max_size=2),
)
FUNCTION_KEYS = [f"i{n}" for n in range(1, 16)]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(GOOD)),
    st.one_of(
        st.dictionaries(
            st.one_of(
                st.sampled_from([*FUNCTION_KEYS, "m1", "m2", "m3", "rating"]), st.text(max_size=4)
            ),
            anything,
            max_size=18,
        ),
        st.dictionaries(st.sampled_from(FUNCTION_KEYS), st.integers(0, 4), min_size=15),
        anything,
    ),
)
def test_scoring_any_answers_gives_a_score_in_range_or_invalid_input(qid, raw):
    q = qn.load_folder(FIXTURES)[0][qid]
    try:
        value = qn.score(q, raw)
    except InvalidInput:
        return
    low, high = q.score_range()
    assert isinstance(value, float) and low <= value <= high
    assert qn.band(q, value)


# --- responses -----------------------------------------------------------------------------


def test_saving_again_on_the_same_day_replaces_the_response(world, db):
    patient, teen = world.teens[0], world.teen_users[0]
    q = fixture("good-function.json")
    day = TODAY - timedelta(days=2)
    keep = qn.save_response(
        db, teen, patient.id, q, total_of(5), day=day - timedelta(days=1), today=TODAY
    )
    first = qn.save_response(db, teen, patient.id, q, total_of(10), day=day, today=TODAY)
    row = qn.save_response(db, teen, patient.id, q, answers(*[2] * 15), day=day, today=TODAY)
    assert (row["score"], row["band"], row["day"], row["version"]) == (
        30,
        "Made-up high",
        day.isoformat(),
        "1",
    )
    assert row["entered_by"] == teen.id and row["instrument"] == "made-up-function"
    assert json.loads(row["answers"]) == answers(*[2] * 15)
    stored = qn.list_responses(db, patient.id, q.id)
    assert first["score"] == 10
    assert stored == [keep, row]  # the day's first answer is gone, the day before kept
    assert qn.list_responses(db, patient.id, "readiness-ruler") == []
    assert qn.list_responses(db, world.teens[1].id) == []


def test_refused_responses_write_nothing_and_keep_the_days_answer(world, db):
    patient, teen = world.teens[0], world.teen_users[0]
    q = fixture("good-function.json")
    qn.save_response(db, teen, patient.id, q, total_of(7), day=TODAY, today=TODAY)
    before = qn.list_responses(db, patient.id)
    cases = [
        (total_of(9), TODAY + timedelta(days=1), "day"),
        (total_of(9), patient.discharged_on - timedelta(days=1), "day"),
        (answers(*[1] * 14), TODAY, "i15"),
        ({**total_of(9), "i2": 7}, TODAY, "i2"),
    ]
    for raw, day, field in cases:
        with pytest.raises(InvalidInput) as refused:
            qn.save_response(db, teen, patient.id, q, raw, day=day, today=TODAY)
        assert refused.value.field == field
    assert qn.list_responses(db, patient.id) == before


def test_the_discharge_day_and_datetimes_are_accepted(world, db):
    patient, teen = world.teens[0], world.teen_users[0]
    q = fixture("good-single.json")
    row = qn.save_response(
        db, teen, patient.id, q, {"rating": 0}, day=patient.discharged_on, today=TODAY
    )
    assert row["day"] == patient.discharged_on.isoformat()
    noon = datetime.combine(TODAY, datetime.min.time()).replace(hour=12)
    row = qn.save_response(db, teen, patient.id, q, {"rating": 10}, day=noon, today=noon)
    assert row["day"] == TODAY.isoformat()


def test_due_dates_by_hand(world, db):
    patient, other, teen = world.teens[0], world.teens[1], world.teen_users[0]
    q = fixture("good-mean.json")  # every 7 days
    start = patient.discharged_on
    assert not qn.due(db, patient, q, today=start - timedelta(days=1))  # before discharge
    assert qn.due(db, patient, q, today=start)  # never answered
    answer = {"m1": 1, "m2": 2, "m3": 3}
    qn.save_response(db, teen, patient.id, q, answer, day=start + timedelta(days=2), today=TODAY)
    assert not qn.due(db, patient, q, today=start + timedelta(days=2))
    assert not qn.due(db, patient, q, today=start + timedelta(days=8))  # 6 days later
    assert qn.due(db, patient, q, today=start + timedelta(days=9))  # 7 days later
    assert qn.due(db, patient, fixture("good-single.json"), today=start + timedelta(days=3))
    assert qn.due(db, other, q, today=TODAY)  # another teen's answers don't count
    qn.save_response(db, teen, patient.id, q, answer, day=start, today=TODAY)
    assert not qn.due(db, patient, q, today=start + timedelta(days=8))  # the latest day counts


def test_only_the_teen_answers_and_only_the_care_team_records_fdi(world, db):
    patient, q = world.teens[0], fixture("good-single.json")
    for user in (world.parent_a, world.clinician_a, world.teen_users[1]):
        with pytest.raises(AccessDenied):
            qn.save_response(db, user, patient.id, q, {"rating": 3}, day=TODAY, today=TODAY)
    for user in (world.teen_users[0], world.parent_a, world.clinician_b):
        with pytest.raises(AccessDenied):
            qn.record_fdi_total(db, user, patient.id, 20, day=TODAY, today=TODAY)
    assert qn.list_responses(db, patient.id) == []


def test_clinicians_record_fdi_totals(world, db):
    patient, clinician = world.teens[0], world.clinician_a
    row = qn.record_fdi_total(db, clinician, patient.id, 27, day=TODAY, today=TODAY)
    assert (row["instrument"], row["version"], row["score"], row["band"], row["answers"]) == (
        "fdi-total",
        "clinician-entered",
        27,
        "Moderate disability",
        "{}",
    )
    assert row["entered_by"] == clinician.id
    row = qn.record_fdi_total(db, clinician, patient.id, 12.0, day=TODAY, today=TODAY)
    assert row["band"] == "No or minimal disability"
    assert [r["score"] for r in qn.list_responses(db, patient.id, qn.FDI_ID)] == [12]


@pytest.mark.parametrize("bad", [-1, 61, 12.5, True, "12", float("nan"), None])
def test_fdi_totals_are_validated_before_anything_is_written(world, db, bad):
    patient, clinician = world.teens[0], world.clinician_a
    with pytest.raises(InvalidInput) as refused:
        qn.record_fdi_total(db, clinician, patient.id, bad, day=TODAY, today=TODAY)
    assert refused.value.field == "fdi_total"
    with pytest.raises(InvalidInput) as refused:
        qn.record_fdi_total(
            db, clinician, patient.id, 20, day=TODAY + timedelta(days=1), today=TODAY
        )
    assert refused.value.field == "day"
    assert qn.list_responses(db, patient.id) == []


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.dictionaries(
            st.one_of(st.sampled_from(FUNCTION_KEYS), st.text(max_size=3)),
            st.one_of(st.integers(0, 4), anything),
            min_size=10,
            max_size=17,
        ),
        st.dictionaries(st.sampled_from(FUNCTION_KEYS), st.integers(0, 4), min_size=15),
    ),
    st.integers(-12, 2),
)
def test_saving_any_answers_stores_one_complete_row_or_changes_nothing(world, db, raw, offset):
    patient, teen = world.teens[0], world.teen_users[0]  # discharged 10 days before TODAY
    q = fixture("good-function.json")
    day = TODAY + timedelta(days=offset)
    before = qn.list_responses(db, patient.id)
    try:
        row = qn.save_response(db, teen, patient.id, q, raw, day=day, today=TODAY)
    except InvalidInput:
        assert qn.list_responses(db, patient.id) == before
        return
    after = qn.list_responses(db, patient.id)
    same_day = [r for r in after if r["day"] == day.isoformat()]
    assert same_day == [row]
    assert [r for r in after if r["day"] != day.isoformat()] == [
        r for r in before if r["day"] != day.isoformat()
    ]
    stored = json.loads(row["answers"])
    assert set(stored) == set(FUNCTION_KEYS) and row["score"] == sum(stored.values())
    assert row["band"] == qn.band(q, row["score"])


def test_a_folder_is_parsed_again_only_when_a_file_changes(tmp_path):
    shutil.copy(FIXTURES / "good-single.json", tmp_path / "one.json")
    first, _ = qn.load_folder(tmp_path)
    parsed_before = qn._parsed.cache_info().misses
    again, _ = qn.load_folder(tmp_path)
    assert again == first and qn._parsed.cache_info().misses == parsed_before  # from the cache
    again.clear()  # a caller's copy: clearing it leaves the cache whole
    assert qn.load_folder(tmp_path)[0] == first
    data = json.loads((tmp_path / "one.json").read_text())
    data["title"] = "A changed title for the test"
    (tmp_path / "one.json").write_text(json.dumps(data))
    changed, _ = qn.load_folder(tmp_path)
    assert [q.title for q in changed.values()] == ["A changed title for the test"]
    (tmp_path / "two.json").write_text("{not json")
    assert any("two.json" in p for p in qn.load_folder(tmp_path)[1])
