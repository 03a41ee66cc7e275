"""Programme outcomes (issue 16): the common measures at standard time points for every teen
discharged in a period, and the cohort figures built from them. Pure functions over two
frames, so the Outcomes page, the yearly report, the common-measures export and the pooling
command compute every figure the same way (docs/measures.md, "Programme outcomes").

The two frames (the contract every caller relies on):

``episodes`` — one row per teen-episode discharged in the period (a readmitted teen has a
row per episode):
    episode_key (int), patient_id (int), episode_number (int, 1 = first stay),
    discharged_on (date), discharge_year (int), age (int: discharge year − birth year),
    diagnosis_group (str), setting (str | None), length_of_stay (Int64 days, admission to
    discharge, <NA> if no admission date), referral_lag (Int64 days, referral to admission,
    <NA> if either is missing), sex_at_birth, gender_identity, language, insurance,
    travel_time (str codes of companion.people.population, or None when not recorded),
    race_ethnicity (str: the chosen codes joined with ";" in list order, or None).

``measures`` — one row per episode_key × time point, in TIME_POINTS order:
    episode_key, time_point (TimePoint.key), reached (bool: the time point's day is on or
    before today; admission and discharge are always reached), has_data (bool), fdi
    (Float64), fdi_band (str | None), pain (Float64), pain_days (Int64), school (Float64,
    0–1), school_days (Int64), checkin_rate (Float64, 0–1), checkin_days (Int64),
    adherence (Float64, 0–1), interference (Float64).
A value that could not be measured is <NA>, never 0.
"""

from __future__ import annotations

import json
import math
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlite_utils import Database

from companion import access, programme
from companion.care import plans, questionnaires
from companion.care.questionnaires import FDI_BANDS
from companion.identity import User
from companion.insight import metrics
from companion.people import population


@dataclass(frozen=True)
class TimePoint:
    key: str  # "admission", "discharge", "1m", "3m", "6m", "12m"
    label: str  # "Admission", "Discharge", "1 month", ...
    days: int | None  # the time point's day, in days after discharge; None for admission
    before: int  # the window for single measures (FDI, interference): days before the day
    after: int  # ... and days after it


TIME_POINTS: tuple[TimePoint, ...] = (
    TimePoint("admission", "Admission", None, 0, 0),
    TimePoint("discharge", "Discharge", 0, 0, 7),
    TimePoint("1m", "1 month", 30, 14, 14),
    TimePoint("3m", "3 months", 91, 30, 30),
    TimePoint("6m", "6 months", 182, 30, 30),
    TimePoint("12m", "12 months", 365, 30, 30),
)
BY_KEY = {tp.key: tp for tp in TIME_POINTS}
PAIN_DAYS = 14  # pain: mean of the daily scores in the 14 days up to the time point's day
RATE_DAYS = 28  # school, check-ins, adherence: the 4 weeks up to the time point's day


PAIN_MIN_DAYS = 4  # a pain mean needs at least 4 scored days in its 14
INTERFERENCE_ID = "pain-interference"  # the shipped pain-interference rating (0-10)
BANDS = tuple(band.label for band in FDI_BANDS)
PAIN_MCID_POINTS = 1.0  # the smallest change in pain that matters (Hirschfeld et al., 2014):
PAIN_MCID_SHARE = 0.125  # 1 point or 12.5% of the discharge score, whichever is reached

# What the cohort can be split by (key -> heading), each a partition of the teens.
SPLITS: dict[str, str] = {
    "diagnosis_group": "Diagnosis group",
    "age_band": "Age at discharge",
    "setting": population.SETTING.label,
    **{f.key: f.label.replace(" (choose all that apply)", "") for f in population.FIELDS},
}
AGE_BANDS = (
    (0, 11, "Under 12"),
    (12, 14, "12 to 14"),
    (15, 17, "15 to 17"),
    (18, 200, "18 or older"),
)
MORE_THAN_ONE = "More than one"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: tables memoise on it
class Cohort:
    first: date  # discharges from ...
    last: date  # ... to (both included)
    today: date
    episodes: pd.DataFrame
    measures: pd.DataFrame
    race_choices: tuple[tuple[str, str], ...] = population.BY_KEY["race_ethnicity"].choices


def load(db: Database, user: User | None, *, first: date, last: date, today: date) -> Cohort:
    """The cohort of teen-episodes discharged between ``first`` and ``last`` (programme
    local dates), for a clinician or an admin (AccessDenied for anyone else)."""
    access.require_outcomes_reader(db, user)
    return _load(db, first=first, last=last, today=today)


# --- reading ------------------------------------------------------------------------------


EPISODE_COLUMNS = [
    "episode_key",
    "patient_id",
    "episode_number",
    "discharged_on",
    "discharge_year",
    "age",
    "diagnosis_group",
    "setting",
    "length_of_stay",
    "referral_lag",
    "sex_at_birth",
    "gender_identity",
    "language",
    "insurance",
    "travel_time",
    "race_ethnicity",
]
MEASURE_COLUMNS = [
    "episode_key",
    "time_point",
    "reached",
    "has_data",
    "fdi",
    "fdi_band",
    "pain",
    "pain_days",
    "school",
    "school_days",
    "checkin_rate",
    "checkin_days",
    "adherence",
    "interference",
]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _load(db: Database, *, first: date, last: date, today: date) -> Cohort:
    """``load`` without the reader check, for the command line (run by the programme's
    operator on the server). One query per table for the whole cohort."""
    race_choices = population.race_ethnicity_choices(programme.get_settings(db))
    rows = list(
        db.query(
            "SELECT * FROM (SELECT e.id AS episode_key, e.patient_id, e.admitted_on,"
            " e.discharged_on, e.ended_on, e.setting, e.referred_on, e.admission_fdi,"
            " e.admission_pain, p.birth_year, p.diagnosis_group, pop.sex_at_birth,"
            " pop.gender_identity, pop.race_ethnicity, pop.language, pop.insurance,"
            " pop.travel_time, ROW_NUMBER() OVER (PARTITION BY e.patient_id"
            " ORDER BY e.discharged_on, e.id) AS episode_number"
            " FROM episodes e JOIN patients p ON p.id = e.patient_id"
            " LEFT JOIN population pop ON pop.patient_id = e.patient_id)"
            " WHERE discharged_on BETWEEN ? AND ? ORDER BY discharged_on, episode_key",
            [first.isoformat(), last.isoformat()],
        )
    )
    ids = sorted({r["patient_id"] for r in rows})
    data = _histories(db, ids, first=first)
    episodes = pd.DataFrame([_episode_row(r) for r in rows], columns=EPISODE_COLUMNS)
    episodes = episodes.astype({"length_of_stay": "Int64", "referral_lag": "Int64"})
    measures = [m for r in rows for m in _measure_rows(r, data, today)]
    frame = pd.DataFrame(measures, columns=MEASURE_COLUMNS)
    frame = frame.astype(
        {
            **{k: "Float64" for k in ("fdi", "pain", "school", "checkin_rate")},
            **{k: "Float64" for k in ("adherence", "interference")},
            **{k: "Int64" for k in ("pain_days", "school_days", "checkin_days")},
            "reached": bool,
            "has_data": bool,
        }
    )
    return Cohort(first, last, today, episodes, frame, race_choices)


def _episode_row(r: dict) -> dict:
    discharged = date.fromisoformat(r["discharged_on"])
    admitted, referred = _day(r["admitted_on"]), _day(r["referred_on"])
    race = json.loads(r["race_ethnicity"]) if r["race_ethnicity"] else []
    return {
        "episode_key": r["episode_key"],
        "patient_id": r["patient_id"],
        "episode_number": r["episode_number"],
        "discharged_on": discharged,
        "discharge_year": discharged.year,
        "age": discharged.year - r["birth_year"],
        "diagnosis_group": r["diagnosis_group"],
        "setting": r["setting"],
        "length_of_stay": (discharged - admitted).days if admitted else None,
        "referral_lag": (admitted - referred).days if admitted and referred else None,
        **{key: r[key] for key in ("sex_at_birth", "gender_identity", "language")},
        **{key: r[key] for key in ("insurance", "travel_time")},
        "race_ethnicity": ";".join(race) if race else None,
    }


@dataclass
class _Histories:
    days: dict[int, list[tuple[date, str | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    pain: dict[int, dict[date, int]] = field(default_factory=lambda: defaultdict(dict))
    status: dict[int, dict] = field(default_factory=lambda: defaultdict(dict))
    versions: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    fdi: dict[int, list[tuple[date, float]]] = field(default_factory=lambda: defaultdict(list))
    interference: dict[int, list[tuple[date, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    visit_pain: dict[int, list[tuple[date, int]]] = field(default_factory=lambda: defaultdict(list))


def _histories(db: Database, ids: list[int], *, first: date) -> _Histories:
    """Every teen's check-ins, exercise outcomes, plans, FDI totals, interference ratings and
    visit pain from the first discharge on, one query each."""
    out = _Histories()
    if not ids:
        return out
    marks, since = ",".join("?" * len(ids)), first.isoformat()
    for pid, day, pain, school in db.execute(
        f"SELECT patient_id, day, pain, school FROM checkins WHERE patient_id IN ({marks})"
        " AND day >= ? ORDER BY day",
        [*ids, since],
    ):
        when = date.fromisoformat(day)
        out.days[pid].append((when, school))
        if pain is not None:
            out.pain[pid][when] = pain
    for pid, day, key, mark in db.execute(
        "SELECT c.patient_id, c.day, o.exercise_key, o.status FROM exercise_outcomes o"
        f" JOIN checkins c ON c.id = o.checkin_id WHERE c.patient_id IN ({marks})"
        " AND c.day >= ?",
        [*ids, since],
    ):
        out.status[pid][(date.fromisoformat(day), key)] = mark
    for version in plans.versions_of(db, ids):
        out.versions[version.patient_id].append(version)
    for pid, instrument, day, score in db.execute(
        "SELECT patient_id, instrument, day, score FROM questionnaire_responses"
        f" WHERE instrument IN (?, ?) AND patient_id IN ({marks}) AND day >= ? ORDER BY day, id",
        [questionnaires.FDI_ID, INTERFERENCE_ID, *ids, since],
    ):
        series = out.fdi if instrument == questionnaires.FDI_ID else out.interference
        series[pid].append((date.fromisoformat(day), float(score)))
    for pid, day, pain in db.execute(
        f"SELECT patient_id, day, pain FROM visits WHERE patient_id IN ({marks}) AND day >= ?"
        " AND pain IS NOT NULL ORDER BY day, id",
        [*ids, since],
    ):
        out.visit_pain[pid].append((date.fromisoformat(day), pain))
    return out


def nearest(series: list[tuple[date, float]], day: date, start: date, end: date) -> float | None:
    """The value dated nearest ``day`` within [start, end] (the earlier one on a tie)."""
    inside = [(abs((d - day).days), d, v) for d, v in series if start <= d <= end]
    return min(inside)[2] if inside else None


def _measure_rows(r: dict, data: _Histories, today: date) -> list[dict]:
    pid, key = r["patient_id"], r["episode_key"]
    discharged = date.fromisoformat(r["discharged_on"])
    ended = _day(r["ended_on"])
    # data of this episode only: a readmission starts the next one
    last_day = min(today, ended - timedelta(days=1)) if ended else today
    rows = []
    for tp in TIME_POINTS:
        row = dict.fromkeys(MEASURE_COLUMNS)
        row.update(episode_key=key, time_point=tp.key)
        if tp.key == "admission":
            fdi, pain = r["admission_fdi"], r["admission_pain"]
            row.update(
                reached=True, fdi=fdi, pain=pain, has_data=fdi is not None or pain is not None
            )
        else:
            day = discharged + timedelta(days=tp.days)
            row["reached"] = day <= last_day or tp.key == "discharge"
            if row["reached"]:
                row.update(_at(tp, day, discharged, last_day, pid, data))
            row["has_data"] = bool(
                row["reached"]
                and (
                    row["fdi"] is not None
                    or row["pain"] is not None
                    or row["interference"] is not None
                    or (row["checkin_days"] or 0) > 0
                )
            )
        if row["fdi"] is not None:
            row["fdi_band"] = questionnaires.fdi_band(row["fdi"])
        rows.append(row)
    return rows


def _at(tp: TimePoint, day: date, discharged: date, last_day: date, pid: int, data) -> dict:
    """The measures of one teen at one time point after admission (its window clipped to the
    episode: from discharge to the day before a readmission, and never after today)."""
    start, end = (
        max(discharged, day - timedelta(days=tp.before)),
        min(last_day, day + timedelta(days=tp.after)),
    )
    out = {
        "fdi": nearest(data.fdi[pid], day, start, end),
        "interference": nearest(data.interference[pid], day, start, end),
    }
    if tp.key == "discharge":
        visit = nearest(data.visit_pain[pid], day, start, end)
        scores = [v for d, v in data.pain[pid].items() if start <= d <= end]
        out["pain_days"] = len(scores)
        if visit is not None:
            out["pain"] = visit
        elif len(scores) >= PAIN_MIN_DAYS:
            out["pain"] = sum(scores) / len(scores)
        return out
    window = metrics.Period(max(discharged, day - timedelta(days=PAIN_DAYS - 1)), day)
    scores = [v for d, v in data.pain[pid].items() if window.start <= d <= window.end]
    out["pain_days"] = len(scores)
    out["pain"] = sum(scores) / len(scores) if len(scores) >= PAIN_MIN_DAYS else None
    period = metrics.Period(max(discharged, day - timedelta(days=RATE_DAYS - 1)), day)
    days = data.days[pid]
    logged = [d for d, _ in days if period.start <= d <= period.end]
    school = metrics.school_in(days, period)
    rate = metrics.checkin_rate(logged, period)
    adherence = metrics.adherence_in(data.versions[pid], data.status[pid], logged, period)
    out.update(
        school=school.rate,
        school_days=school.school_days,
        checkin_rate=rate.value,
        checkin_days=int(rate.numerator),
        adherence=adherence.rate,
    )
    return out


# --- figures --------------------------------------------------------------------------------

# the 97.5th percentile of Student's t for 1 to 30 degrees of freedom
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_Z975 = 1.959963984540054


def t975(df: int) -> float:
    """Student's t at 97.5% for ``df`` degrees of freedom: the table to 30, then the
    Cornish-Fisher expansion (within 0.0001 of the exact value above 30)."""
    if df < 1:
        raise ValueError("at least one degree of freedom")
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


@dataclass(frozen=True)
class Stat:
    n: int
    mean: float | None = None
    sd: float | None = None  # sample SD (n - 1); None for fewer than 2 values
    ci_low: float | None = None  # 95% interval of the mean (t); None for fewer than 2 values
    ci_high: float | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None


def describe(values) -> Stat:
    """n, mean, SD, 95% confidence interval of the mean, median and range of the values that
    were measured (missing ones are left out, never counted as 0)."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if not pd.api.types.is_numeric_dtype(series):
        series = pd.to_numeric(series, errors="raise")
    xs = np.sort(series.astype("Float64").dropna().to_numpy(float))
    n = len(xs)
    if not n:
        return Stat(0)
    mean, median = float(xs.mean()), float(np.median(xs))
    low, high = float(xs[0]), float(xs[-1])
    if n < 2:
        return Stat(n, mean, None, None, None, median, low, high)
    sd = float(xs.std(ddof=1))
    half = t975(n - 1) * sd / math.sqrt(n)
    return Stat(n, mean, sd, mean - half, mean + half, median, low, high)


_POINTS: dict[int, tuple[weakref.ref, dict[str, pd.DataFrame]]] = {}


def at_point(measures: pd.DataFrame, tp_key: str) -> pd.DataFrame:
    """The rows of teens who reached the time point, by episode. The frame is split by time
    point once and the split kept while the frame lives: every figure asks again (a pooled
    cohort of 100,000 teens was re-filtered thousands of times). Frames are never changed
    after they are made."""
    key = id(measures)
    held = _POINTS.get(key)
    if held is None or held[0]() is not measures:
        reached = measures[measures["reached"]]
        split = {tp: rows.set_index("episode_key") for tp, rows in reached.groupby("time_point")}
        held = (weakref.ref(measures), split)
        _POINTS[key] = held
        weakref.finalize(measures, _POINTS.pop, key, None)
    if tp_key not in held[1]:  # nobody reached it
        held[1][tp_key] = measures.iloc[0:0].set_index("episode_key")
    return held[1][tp_key]


def at_time_points(measures: pd.DataFrame, measure: str) -> dict[str, Stat]:
    """The measure described at each time point, over the teens who reached it."""
    return {tp.key: describe(at_point(measures, tp.key)[measure]) for tp in TIME_POINTS}


def _paired(measures: pd.DataFrame, measure: str, tp_key: str) -> pd.DataFrame:
    """(discharge, then) pairs of one measure in the teens with both, by episode."""
    both = pd.concat(
        [at_point(measures, "discharge")[measure], at_point(measures, tp_key)[measure]],
        axis=1,
        keys=["discharge", "then"],
        join="inner",
    )
    return both.dropna()


def change_from_discharge(measures: pd.DataFrame, measure: str, tp_key: str) -> Stat:
    """The change (then − discharge) in the teens with a value at both."""
    both = _paired(measures, measure, tp_key)
    return describe(both["then"] - both["discharge"])


def band_shift(measures: pd.DataFrame, tp_key: str) -> pd.DataFrame:
    """FDI band at discharge (rows) × band at the time point (columns): counts of the teens
    with a total at both, every band present."""
    both = pd.concat(
        [at_point(measures, "discharge")["fdi_band"], at_point(measures, tp_key)["fdi_band"]],
        axis=1,
        keys=["discharge", "then"],
        join="inner",
    ).dropna()
    table = pd.crosstab(both["discharge"], both["then"]) if len(both) else None
    out = pd.DataFrame(0, index=list(BANDS), columns=list(BANDS), dtype=int)
    if table is not None:
        for r in table.index:
            for c in table.columns:
                out.at[r, c] = int(table.at[r, c])
    out.index.name, out.columns.name = "At discharge", "Then"
    return out


def pain_improved(measures: pd.DataFrame, tp_key: str) -> tuple[int, int]:
    """(teens whose pain fell by at least 1 point or 12.5% of their discharge score, teens
    with pain at both): a teen at 0 at discharge cannot improve and counts in the n."""
    both = _paired(measures, "pain", tp_key)
    fall = both["discharge"] - both["then"]
    needed = (PAIN_MCID_SHARE * both["discharge"]).clip(upper=PAIN_MCID_POINTS)
    improved = (fall > 0) & (fall >= needed - 1e-9)
    return int(improved.sum()), len(both)


def retention(measures: pd.DataFrame) -> pd.DataFrame:
    """At each time point: teens who reached it, and how many of them had data."""
    rows = []
    for tp in TIME_POINTS:
        at = measures[(measures["time_point"] == tp.key) & measures["reached"]]
        rows.append(
            {"time_point": tp.key, "reached": len(at), "with_data": int(at["has_data"].sum())}
        )
    return pd.DataFrame(rows, columns=["time_point", "reached", "with_data"])


def age_band(age) -> str:
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def _categories(cohort: Cohort, split: str) -> list[str]:
    if split == "diagnosis_group":
        return sorted(set(cohort.episodes["diagnosis_group"]))
    if split == "age_band":
        return [label for _, _, label in AGE_BANDS]
    choices = cohort.race_choices if split == "race_ethnicity" else population.BY_KEY[split].choices
    labels = [label for _, label in choices]
    if split == "race_ethnicity":
        labels.insert(len(labels) - 1, MORE_THAN_ONE)
    return [*labels, population.NOT_RECORDED]


def group_of(cohort: Cohort, split: str) -> pd.Series:
    """Each episode's group (by episode_key) for one split; every teen is in exactly one (two
    or more race and ethnicity choices are "More than one")."""
    frame = cohort.episodes.set_index("episode_key")
    if split == "diagnosis_group":
        return frame["diagnosis_group"]
    if split == "age_band":
        return frame["age"].map(age_band)
    if split == "race_ethnicity":
        labels = dict(cohort.race_choices)

        def race(value):
            codes = value.split(";") if isinstance(value, str) and value else []
            if not codes:
                return population.NOT_RECORDED
            if len(codes) > 1:
                return MORE_THAN_ONE
            # a code no longer on the programme's list counts as not recorded
            return labels.get(codes[0], population.NOT_RECORDED)

        return frame["race_ethnicity"].map(race)
    labels = dict(population.BY_KEY[split].choices)
    return frame[split].map(lambda code: labels.get(code, population.NOT_RECORDED))


@dataclass(frozen=True)
class Summary:
    n: int
    age: Stat
    length_of_stay: Stat
    referral_lag: Stat
    counts: dict[str, dict[str, int]]  # split heading -> {group: teens}, every group listed


def cohort_summary(cohort: Cohort) -> Summary:
    """N, age, length of stay, referral lag, and the teens in each group of every split."""
    episodes = cohort.episodes
    counts = {}
    for split, heading in SPLITS.items():
        groups = group_of(cohort, split).value_counts()
        counts[heading] = {g: int(groups.get(g, 0)) for g in _categories(cohort, split)}
    return Summary(
        n=len(episodes),
        age=describe(episodes["age"]),
        length_of_stay=describe(episodes["length_of_stay"]),
        referral_lag=describe(episodes["referral_lag"]),
        counts=counts,
    )


def by_group(cohort: Cohort, split: str, measure: str, tp_key: str) -> dict[str, Stat]:
    """One measure at one time point described in each group of a split (every group listed,
    in the split's order)."""
    values = at_point(cohort.measures, tp_key)[measure]
    groups = group_of(cohort, split).reindex(values.index)
    return {g: describe(values[groups == g]) for g in _categories(cohort, split)}
