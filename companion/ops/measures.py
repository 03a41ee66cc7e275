"""The common-measures export and pooling (issue 16): what a programme shares with the IIPT
community, and what the community computes from several programmes' files.

``export`` writes one CSV row per teen-episode × time point (docs/common-measures.md) with
the data dictionary beside it (JSON, and a REDCap data-dictionary CSV). De-identified under
HIPAA Safe Harbor: no name, username, note or date (discharge year only; time points as
labels), a pseudonym per teen from a keyed hash whose key never leaves the programme, and
the programme's code. Before writing, the quasi-identifiers are coarsened step by step until
every combination holds at least ``K`` teens.

``pool`` reads exports from several programmes, refuses a file whose columns, dictionary
version or values are wrong (naming the file, the row and the problem), and writes the
outcome tables by programme and pooled, suppressed as on the Outcomes page.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlite_utils import Database

from companion import access, audit, programme
from companion.care.questionnaires import FDI_BANDS
from companion.identity import User
from companion.insight import outcome_tables, outcomes, suppression
from companion.people import patients, population

DICTIONARY_VERSION = "1.0"
K = 5  # every combination of quasi-identifiers holds at least this many teens
OTHER = "other"
NOT_RELEASED = "not_released"
EARLIEST = date(2000, 1, 1)
BAND_CODES = dict(zip((b.label for b in FDI_BANDS), ("minimal", "moderate", "severe"), strict=True))
AGE_BANDS = tuple(label for _, _, label in outcomes.AGE_BANDS)
WIDE_AGE = ("Under 15", "15 or older")
QUASI = (
    "age",
    "sex_at_birth",
    "gender_identity",
    "race_ethnicity",
    "diagnosis_group",
    "discharge_year",
    "language",
    "insurance",
    "travel_time",
)


class ExportError(ValueError):
    """An export that cannot be written (too few teens to hide among)."""


class PoolError(ValueError):
    """A file refused by ``pool``: which file, which row (1 = the first data row), what."""

    def __init__(self, file: str, row: int | None, problem: str):
        where = f"{file}, row {row}" if row else file
        super().__init__(f"{where}: {problem}")
        self.file, self.row, self.problem = file, row, problem


# --- the dictionary -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str  # "text", "choice", "integer", "number"
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) for a choice
    low: float | None = None
    high: float | None = None
    note: str = ""
    blank: bool = True  # may be empty (not recorded / not measured)


def _codes(field_key: str) -> tuple[tuple[str, str], ...]:
    return population.BY_KEY[field_key].choices


_COARSE = ((OTHER, "Other (a rare value, grouped)"), (NOT_RELEASED, "Not released"))
_YES_NO = (("1", "Yes"), ("0", "No"))


def _population(key: str) -> Column:
    f = population.BY_KEY[key]
    return Column(key, f.label, "choice", (*_codes(key), *_COARSE), note="empty: not recorded")


COLUMNS: tuple[Column, ...] = (
    Column(
        "dictionary_version",
        "Data dictionary version",
        "choice",
        ((DICTIONARY_VERSION, ""),),
        blank=False,
    ),
    Column("programme", "Programme code (programme settings)", "text", blank=False),
    Column("pseudonym", "Teen pseudonym (stable within a programme)", "text", blank=False),
    Column("episode_number", "Stay number (1 = first)", "integer", low=1, high=99, blank=False),
    Column("discharge_year", "Discharge year", "text", note="a year, or not_released", blank=False),
    Column(
        "age",
        "Age at discharge (discharge year minus birth year)",
        "text",
        note="whole years, an age band, or not_released",
        blank=False,
    ),
    _population("sex_at_birth"),
    _population("gender_identity"),
    Column(
        "race_ethnicity",
        "Race and ethnicity (all that apply)",
        "text",
        note="codes joined with ';' (OMB 2024 or the programme's own_N), other or not_released",
    ),
    Column(
        "diagnosis_group",
        "Diagnosis group",
        "choice",
        (*((g, g) for g in patients.DIAGNOSIS_GROUPS), *_COARSE),
        blank=False,
    ),
    _population("language"),
    _population("insurance"),
    _population("travel_time"),
    Column(
        "setting", population.SETTING.label, "choice", _codes("setting"), note="empty: not recorded"
    ),
    Column("length_of_stay", "Length of stay (days)", "integer", low=0, high=365),
    Column("referral_lag", "Referral to admission (days)", "integer", low=0, high=3650),
    Column(
        "time_point",
        "Time point",
        "choice",
        tuple((tp.key, tp.label) for tp in outcomes.TIME_POINTS),
        blank=False,
    ),
    Column("reached", "Time point reached", "choice", _YES_NO, blank=False),
    Column("has_data", "Any data at the time point", "choice", _YES_NO, blank=False),
    Column("fdi", "FDI total (0-60)", "integer", low=0, high=60),
    Column("fdi_band", "FDI band", "choice", tuple((c, lab) for lab, c in BAND_CODES.items())),
    Column(
        "pain", "Pain (0-10)", "number", low=0, high=10, note="admission/discharge: as recorded"
    ),
    Column("pain_days", "Days with a pain score", "integer", low=0, high=14),
    Column("school", "School attendance (0-1)", "number", low=0, high=1),
    Column("school_days", "School days logged", "integer", low=0, high=28),
    Column("checkin_rate", "Share of days with a check-in (0-1)", "number", low=0, high=1),
    Column("checkin_days", "Days with a check-in", "integer", low=0, high=28),
    Column("adherence", "Home exercise adherence (0-1)", "number", low=0, high=1),
    Column("interference", "Pain getting in the way (0-10)", "number", low=0, high=10),
)
NAMES = tuple(c.name for c in COLUMNS)


def dictionary() -> dict:
    """The versioned data dictionary (written beside every export as JSON)."""
    return {
        "name": "IIPT Companion common measures",
        "version": DICTIONARY_VERSION,
        "rows": "one per teen-episode and time point",
        "k_anonymity": K,
        "time_points": [
            {"code": tp.key, "label": tp.label, "day": tp.days, "window": [tp.before, tp.after]}
            for tp in outcomes.TIME_POINTS
        ],
        "columns": [
            {
                "name": c.name,
                "label": c.label,
                "type": c.kind,
                **({"choices": dict(c.choices)} if c.choices else {}),
                **({"min": c.low, "max": c.high} if c.low is not None else {}),
                "may_be_empty": c.blank,
                **({"note": c.note} if c.note else {}),
            }
            for c in COLUMNS
        ],
    }


REDCAP_HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)


def redcap_dictionary() -> str:
    """The dictionary as a REDCap data-dictionary CSV (one instrument, ``common_measures``):
    choices as dropdowns, numbers with their validation and range."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REDCAP_HEADER)
    for c in COLUMNS:
        kind, choices, check = "text", "", ""
        if c.kind == "choice":
            kind = "dropdown"
            choices = " | ".join(f"{code}, {label or code}" for code, label in c.choices)
        elif c.kind in ("integer", "number"):
            check = c.kind
        low = "" if c.low is None else f"{c.low:g}"
        high = "" if c.high is None else f"{c.high:g}"
        required = "" if c.blank else "y"
        row = [c.name, "common_measures", "", kind, c.label, choices, c.note, check, low, high]
        writer.writerow([*row, "", "", required, "", "", "", "", ""])
    return out.getvalue()


# --- export ---------------------------------------------------------------------------------


def pseudonym_key(db: Database) -> bytes:
    """The programme's key for pseudonyms: derived from its own secret, which never leaves
    the server, so two programmes' pseudonyms for a teen cannot be linked."""
    secret = programme.secret_key(db).encode()
    return hmac.new(secret, b"common-measures pseudonym v1", hashlib.sha256).digest()


def pseudonym(key: bytes, patient_id: int) -> str:
    return hmac.new(key, f"patient:{patient_id}".encode(), hashlib.sha256).hexdigest()[:16]


@dataclass
class Export:
    csv: str
    rows: int
    teens: int
    coarsened: list[str] = field(default_factory=list)  # each step taken, in words


def _wide_age(value: str) -> str:
    if value.isdigit():
        return WIDE_AGE[int(value) >= 15]
    return WIDE_AGE[value in ("15 to 17", "18 or older")]


def _steps() -> list[tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]]:
    """The coarsening steps, gentlest first: age in bands; each field's rare values (fewer
    than K teens) as "other"; age in two bands; then, one field at a time, not released."""

    def age_bands(q):
        return q.assign(age=q["age"].map(lambda a: outcomes.age_band(int(a))))

    def rare(name):
        def step(q):
            counts = q[name].value_counts()
            few = set(counts[counts < K].index) - {"", NOT_RELEASED}
            return q.assign(**{name: q[name].where(~q[name].isin(few), OTHER)})

        return step

    def drop(name):
        return lambda q: q.assign(**{name: NOT_RELEASED})

    labels = {
        "age": "age",
        "discharge_year": "discharge year",
        **{
            k: population.BY_KEY[k].label.split(" (")[0].lower()
            for k in QUASI
            if k in population.BY_KEY
        },
        "diagnosis_group": "diagnosis group",
    }
    order = (
        "race_ethnicity",
        "gender_identity",
        "language",
        "insurance",
        "travel_time",
        "diagnosis_group",
        "sex_at_birth",
    )
    steps = [("age given in bands (under 12, 12 to 14, 15 to 17, 18 or older)", age_bands)]
    steps += [
        (f"{labels[k]}: values held by fewer than {K} teens grouped as other", rare(k))
        for k in order
    ]
    steps.append(
        ("age given as under 15 or 15 or older", lambda q: q.assign(age=q["age"].map(_wide_age)))
    )
    steps += [(f"{labels[k]} not released", drop(k)) for k in (*order, "age", "discharge_year")]
    return steps


def _smallest_class(q: pd.DataFrame, teens: pd.Series) -> int:
    """The fewest teens (not stays: a readmitted teen counts once) sharing a combination."""
    return int(teens.groupby([q[name] for name in QUASI]).nunique().min())


SUPPRESS_SHARE = 0.05  # at most this share of teens may have all their fields withheld


def _too_rare(q: pd.DataFrame, teens: pd.Series) -> pd.Series:
    """True for the rows whose combination is shared by fewer than K teens."""
    sizes = teens.groupby([q[name] for name in QUASI]).transform("nunique")
    return sizes < K


def _withhold(q: pd.DataFrame, teens: pd.Series, taken: list[str]) -> pd.DataFrame | None:
    """The rows of rare combinations with every quasi-identifier not released, when they are
    few (at most SUPPRESS_SHARE of the teens) and the withheld rows then hide among K
    teens; None when not."""
    rare = _too_rare(q, teens)
    few = teens[rare].nunique()
    if not few or few > SUPPRESS_SHARE * teens.nunique():
        return None
    out = q.copy()
    out.loc[rare, list(QUASI)] = NOT_RELEASED
    if _smallest_class(out, teens) < K:
        return None
    taken.append(f"{few} teens with a combination too rare to share: none of their fields released")
    return out


def k_anonymise(q: pd.DataFrame, teens: pd.Series) -> tuple[pd.DataFrame, list[str]]:
    """The quasi-identifiers (one row per teen-episode, as text; ``teens`` the patient of
    each row) coarsened until every combination holds at least K teens; with the steps
    taken. Before each step, if the teens left in rare combinations are few (5% at most),
    their rows are withheld instead (every field not released) and the others keep theirs.
    ExportError when there are fewer than K teens in all."""
    if teens.nunique() < K:
        raise ExportError(f"Fewer than {K} teens: nothing can be exported without risk.")
    taken: list[str] = []
    for words, step in _steps():
        if _smallest_class(q, teens) >= K:
            return q, taken
        withheld = _withhold(q, teens, taken)
        if withheld is not None:
            return withheld, taken
        q = step(q)
        taken.append(words)
    return q, taken


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def export_csv(db: Database, *, today: date) -> Export:
    """The whole programme's common measures as CSV text (no access check: the caller is the
    programme's operator on the server, or a page that asked ``access``)."""
    cohort = outcomes._load(db, first=EARLIEST, last=today, today=today)
    code = programme.get_settings(db).get("programme_code") or "PROGRAMME"
    key = pseudonym_key(db)
    eps = cohort.episodes
    q = pd.DataFrame({name: eps[name].map(_text) for name in QUASI}).set_index(eps["episode_key"])
    q, taken = k_anonymise(q, eps["patient_id"].set_axis(q.index))
    head = {
        row.episode_key: {
            "dictionary_version": DICTIONARY_VERSION,
            "programme": code,
            "pseudonym": pseudonym(key, int(row.patient_id)),
            "episode_number": row.episode_number,
            **q.loc[row.episode_key].to_dict(),
            "setting": _text(row.setting),
            "length_of_stay": _text(row.length_of_stay),
            "referral_lag": _text(row.referral_lag),
        }
        for row in eps.itertuples()
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=NAMES, lineterminator="\n")
    writer.writeheader()
    rows = 0
    for m in cohort.measures.itertuples(index=False):
        values = m._asdict()
        values["fdi_band"] = BAND_CODES.get(values["fdi_band"], "")
        measured = {
            name: _text(values[name]) for name in NAMES if name in values and name != "episode_key"
        }
        if values["fdi"] is not None and not pd.isna(values["fdi"]):
            measured["fdi"] = str(int(values["fdi"]))
        writer.writerow({**head[m.episode_key], **measured})
        rows += 1
    return Export(out.getvalue(), rows, int(eps["patient_id"].nunique()), taken)


def export(db: Database, path: Path, *, today: date) -> Export:
    """Write PATH (the CSV), PATH.dictionary.json and PATH.redcap-dictionary.csv."""
    made = export_csv(db, today=today)
    path = Path(path)
    path.write_text(made.csv, encoding="utf-8")
    Path(f"{path}.dictionary.json").write_text(json.dumps(dictionary(), indent=2), encoding="utf-8")
    Path(f"{path}.redcap-dictionary.csv").write_text(redcap_dictionary(), encoding="utf-8")
    return made


def export_zip(db: Database, user: User | None, *, today: date) -> bytes:
    """The export as one ZIP (the CSV, its JSON and REDCap dictionaries and a note of what was
    coarsened) for a clinician or an admin on the Outcomes page; written to the audit log."""
    access.require_outcomes_reader(db, user)
    made = export_csv(db, today=today)
    name = zip_name(db, today)
    stem = name.removesuffix(".zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.csv", made.csv)
        archive.writestr(f"{stem}.csv.dictionary.json", json.dumps(dictionary(), indent=2))
        archive.writestr(f"{stem}.csv.redcap-dictionary.csv", redcap_dictionary())
        steps = "".join(f"- {step}\n" for step in made.coarsened) or "- nothing\n"
        archive.writestr(
            "README.txt",
            f"IIPT Companion common measures, dictionary {DICTIONARY_VERSION}: {made.rows} rows,"
            f" {made.teens} teens.\nCoarsened so that every combination of quasi-identifiers"
            f" holds {K} teens:\n{steps}",
        )
    audit.record(db, user, "export_measures", detail=f"{made.rows} rows, {made.teens} teens")
    return buffer.getvalue()


def zip_name(db: Database, today: date) -> str:
    code = programme.get_settings(db).get("programme_code") or "programme"
    return f"common-measures-{code}-{today:%Y%m%d}.zip"


# --- pooling --------------------------------------------------------------------------------


def _problem(column: Column, values: pd.Series) -> pd.Series:
    """True where a value breaks the column's rule."""
    empty = values == ""
    if column.kind == "choice":
        bad = ~values.isin([code for code, _ in column.choices])
    elif column.kind in ("integer", "number"):
        numbers = pd.to_numeric(values, errors="coerce")
        bad = numbers.isna() | (numbers < column.low) | (numbers > column.high)
        if column.kind == "integer":
            bad |= numbers.notna() & (numbers % 1 != 0)
    elif column.name == "age":
        allowed = {*AGE_BANDS, *WIDE_AGE, NOT_RELEASED}
        bad = ~(values.str.fullmatch(r"\d{1,2}") | values.isin(allowed))
    elif column.name == "discharge_year":
        bad = ~(values.str.fullmatch(r"(19|20)\d\d") | (values == NOT_RELEASED))
    elif column.name == "race_ethnicity":
        bad = ~values.str.fullmatch(r"[a-z0-9_]{1,20}(;[a-z0-9_]{1,20}){0,9}")
    elif column.name == "programme":
        bad = ~values.str.fullmatch(r"[A-Z0-9-]{2,16}")
    elif column.name == "pseudonym":
        bad = ~values.str.fullmatch(r"[0-9a-f]{16}")
    else:
        bad = pd.Series(False, index=values.index)
    return (bad & ~empty) | (empty & (not column.blank))


def read_export(path: Path) -> pd.DataFrame:
    """One programme's export, checked against the dictionary: PoolError naming the file,
    the row and the problem for a wrong column, version or value."""
    name = Path(path).name
    try:
        frame = pd.read_csv(path, dtype=object, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as problem:
        raise PoolError(name, None, f"not a readable CSV ({problem})") from None
    if tuple(frame.columns) != NAMES:
        missing = [c for c in NAMES if c not in frame.columns]
        extra = [c for c in frame.columns if c not in NAMES]
        why = f"missing {missing}" if missing else f"unknown {extra}" if extra else "out of order"
        raise PoolError(name, None, f"the columns are not dictionary {DICTIONARY_VERSION}'s: {why}")
    versions = frame["dictionary_version"]
    if (versions != DICTIONARY_VERSION).any():
        row = int((versions != DICTIONARY_VERSION).to_numpy().argmax())
        raise PoolError(
            name,
            row + 1,
            f"dictionary version {versions.iloc[row]!r}, expected {DICTIONARY_VERSION}",
        )
    for column in COLUMNS:
        values = frame[column.name]
        distinct = pd.Series(values.unique(), dtype=object)  # checked once each: few repeat
        wrong = set(distinct[_problem(column, distinct).to_numpy()])
        if wrong:
            row = int(values.isin(wrong).to_numpy().argmax())
            value = values.iloc[row]
            raise PoolError(name, row + 1, f"{column.name} = {value!r} is not allowed")
    return frame


def _cohort(frame: pd.DataFrame) -> outcomes.Cohort:
    """The frames ``outcome_tables`` reads, from export rows (one programme's or several)."""
    stays = frame.groupby(["programme", "pseudonym", "episode_number"], sort=False).ngroup()
    measures = pd.DataFrame({"episode_key": stays, "time_point": frame["time_point"]})
    for name in ("reached", "has_data"):
        measures[name] = frame[name] == "1"
    for name in outcome_tables.MEASURES:  # "" (not measured) becomes <NA>, never 0
        measures[name] = pd.to_numeric(frame[name], errors="coerce").astype("Float64")
    bands = {code: label for label, code in BAND_CODES.items()}
    measures["fdi_band"] = frame["fdi_band"].map(bands).astype(object)  # "" -> NaN
    keys = range(int(stays.max()) + 1 if len(stays) else 0)
    episodes = pd.DataFrame({"episode_key": list(keys)}, columns=outcomes.EPISODE_COLUMNS)
    return outcomes.Cohort(EARLIEST, EARLIEST, EARLIEST, episodes, measures)


@dataclass
class Pooled:
    programmes: list[str]
    teens: int
    files: list[Path]


def _labelled(table: pd.DataFrame, **first: str) -> pd.DataFrame:
    """The table with columns put in front (the programme, the measure)."""
    return pd.concat([pd.DataFrame(first, index=table.index), table], axis=1)


def _tables(label: str, cohort: outcomes.Cohort) -> Iterable[tuple[str, pd.DataFrame]]:
    for measure, (name, _) in outcome_tables.MEASURES.items():
        table, _ = outcome_tables.measure_table(cohort, measure)
        yield "measures", _labelled(table, Programme=label, Measure=name)
    kept, _ = outcome_tables.retention_table(cohort)
    yield "retention", _labelled(kept, Programme=label)
    pain, _ = outcome_tables.pain_improvement_table(cohort)
    yield "pain_improvement", _labelled(pain, Programme=label)


def _split_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Each stay's group in every split, from its export rows (the first row of each stay;
    the quasi-identifiers are the same on all of them), as words."""
    stays = frame.groupby(["programme", "pseudonym", "episode_number"], sort=False).ngroup()
    first = frame.assign(episode_key=stays).drop_duplicates("episode_key").set_index("episode_key")
    words = {OTHER: "Other (grouped)", NOT_RELEASED: "Not released", "": population.NOT_RECORDED}
    out = pd.DataFrame({"programme": first["programme"]}, index=first.index)
    for split in POOL_SPLITS:
        values = first[split]
        if split == "age":
            out[split] = values.map(
                lambda a: outcomes.age_band(int(a)) if a.isdigit() else words.get(a, a)
            )
        elif split == "diagnosis_group":
            out[split] = values.map(lambda g: words.get(g, g))
        elif split == "race_ethnicity":
            labels = dict(population.BY_KEY["race_ethnicity"].choices)

            def race(value, labels=labels):
                if value in words:
                    return words[value]
                codes = value.split(";")
                return outcomes.MORE_THAN_ONE if len(codes) > 1 else labels.get(codes[0], codes[0])

            out[split] = values.map(race)
        else:
            labels = dict(population.BY_KEY[split].choices)
            out[split] = values.map(lambda c, labels=labels: words.get(c) or labels.get(c, c))
    return out


POOL_SPLITS = (
    "diagnosis_group",
    "age",
    "setting",
    "sex_at_birth",
    "gender_identity",
    "race_ethnicity",
    "language",
    "insurance",
    "travel_time",
)


SPLIT_NAMES = {**outcomes.SPLITS, "age": outcomes.SPLITS["age_band"]}


def _stat_text(mean, low, high, median, unit: str) -> tuple[str, str]:
    """``outcome_tables.stat_text`` for one group's figures, without building a Stat (the
    pooled table has some 80,000 of them)."""
    if unit == "percent":
        return f"{100 * mean:.0f}% ({100 * low:.0f}% to {100 * high:.0f}%)", f"{100 * median:.0f}%"
    return f"{mean:.1f} ({low:.1f} to {high:.1f})", f"{median:.1f}"


def _by_population(frame: pd.DataFrame, cohort: outcomes.Cohort) -> pd.DataFrame:
    """Every measure at discharge and each follow-up, by every split of the export, for each
    programme and for all together, as the Outcomes page's table by population shows it:
    "11 or more" with the mean (95% CI) and median, or "—" (0 included). One grouping per
    measure, time point and split serves every programme at once."""
    # as categories: grouped by small integer codes, and every group listed, empty or not
    groups = _split_labels(frame).apply(lambda column: column.astype("category"))
    m = cohort.measures
    rows = []
    for tp in outcomes.TIME_POINTS[1:]:
        at = outcomes.at_point(m, tp.key)
        for measure, (name, unit) in outcome_tables.MEASURES.items():
            values = at[measure].dropna().astype(float)
            programmes = groups["programme"].reindex(values.index)
            for split in POOL_SPLITS:
                labels = groups[split].reindex(values.index)
                stats = ["count", "mean", "std", "median"]
                each = values.groupby([programmes, labels], observed=False).agg(stats)
                whole = values.groupby(labels, observed=False).agg(stats)
                whole.index = pd.MultiIndex.from_product([[POOLED], whole.index])
                for (label, group), (count, mean, sd, median) in zip(
                    [*each.index, *whole.index],
                    [*each.itertuples(index=False), *whole.itertuples(index=False)],
                    strict=True,
                ):
                    shown = count >= suppression.THRESHOLD  # NaN (no teen) is not
                    text = middle = outcome_tables.HIDDEN
                    if shown:
                        half = outcomes.t975(int(count) - 1) * sd / count**0.5
                        text, middle = _stat_text(mean, mean - half, mean + half, median, unit)
                    rows.append(
                        (
                            label,
                            SPLIT_NAMES[split],
                            group,
                            name,
                            tp.label,
                            outcome_tables.AT_LEAST if shown else outcome_tables.HIDDEN,
                            text,
                            middle,
                        )
                    )
    columns = ["Programme", "Split", "Group", "Measure", "Time point", "Teens with a value"]
    return pd.DataFrame(rows, columns=[*columns, "Mean (95% CI)", "Median"])


POOLED = "All programmes"


def pool(files: Iterable[Path], out: Path) -> Pooled:
    """Outcome tables for each programme and for all together, suppressed, in ``out``:
    measures.csv, retention.csv and pain_improvement.csv (a Programme column; programmes
    by their codes), and by_population.csv."""
    frames = [read_export(Path(f)) for f in files]
    if not frames:
        raise PoolError("(no files)", None, "give at least one export")
    every = pd.concat(frames, ignore_index=True)
    codes = list(dict.fromkeys(every["programme"]))
    collected: dict[str, list[pd.DataFrame]] = {}
    groups = [*every.groupby("programme", sort=False), (POOLED, every)]
    for label, rows in groups:
        cohort = _cohort(rows)
        for kind, table in _tables(label, cohort):
            collected.setdefault(kind, []).append(table)
    # by population, each programme and all together (cohort is the pooled one, made last)
    collected["by_population"] = [_by_population(every, cohort)]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, tables in collected.items():
        target = out / f"{kind}.csv"
        pd.concat(tables, ignore_index=True).to_csv(target, index=False)
        written.append(target)
    teens = int((every["programme"] + every["pseudonym"]).nunique())
    return Pooled(codes, teens, written)
