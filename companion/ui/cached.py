"""Data that is dear to build, cached across reruns on what it depends on: a teen's
progress, the clinician's panel, chart specs, the article library."""

from __future__ import annotations

import hashlib
import pickle

import streamlit as st

from companion import access, config, programme
from companion.db import connect
from companion.identity import User
from companion.insight import charts, outcomes, panel, progress
from companion.library import articles
from companion.people.patients import Patient
from companion.ui.run import db, settings


@st.cache_data(show_spinner=False, max_entries=512)
def _progress(
    path: str, patient: Patient, change: str, start, end, today, pain, mood, you, thresholds
):
    """Cached on the patient (as of its episode) and the latest change: a rerun that changed
    nothing is cheap."""

    database = connect(path)
    try:
        return progress.load(
            database,
            patient,
            start=start,
            end=end,
            today=today,
            pain=pain,
            mood=mood,
            you=you,
            thresholds=dict(thresholds),
        )
    finally:
        database.close()


def progress_for(patient: Patient, *, start, end, today, pain: bool, mood: bool, you: str = "You"):
    """Progress for a patient the caller has already been allowed to see (``require_patient``)."""

    change = progress.latest_change(db(), patient.id)
    thresholds = tuple(sorted(programme.flag_thresholds(settings()).items()))
    return _progress(
        str(config.db_path()), patient, change, start, end, today, pain, mood, you, thresholds
    )


def library():
    """The article library: the shipped articles and the programme's folder (re-read when a
    file there changes)."""

    return articles.load_library(settings().get("articles_folder") or None)


@st.cache_data(show_spinner=False, max_entries=64)
def _panel_rows(path: str, patients: tuple, changes: tuple, today, thresholds) -> list[dict]:
    """The panel while none of its patients changed (one lookup); else read again in one
    query per table."""

    database = connect(path)
    try:
        return panel.panel_rows(database, list(patients), today=today, thresholds=dict(thresholds))
    finally:
        database.close()


def panel_for(patients: list[Patient], *, today, thresholds: dict, **filters):
    """The clinician's panel for patients they may see; cached on their latest changes, so a
    warm panel costs one query."""

    changes = progress.latest_changes(db(), [p.id for p in patients])
    rows = _panel_rows(
        str(config.db_path()),
        tuple(patients),
        tuple(changes[p.id] for p in patients),
        today,
        tuple(sorted(thresholds.items())),
    )
    return panel.table(rows, today=today, **filters)


@st.cache_data(show_spinner=False, max_entries=2000)
def _chart_spec(kind: str, digest: str, _args: tuple) -> dict:

    return getattr(charts, kind)(*_args).to_dict(validate=False)


def _digest(args: tuple) -> str:
    """A cheap fingerprint of a chart's data: its pickle (~0.3 ms for two years of weeks;
    Streamlit's own hashing of a frame argument cost ~9 ms a chart). Equal bytes mean equal
    data, so a stale chart is impossible; at worst an equal frame pickles differently and
    the spec is built again."""
    return hashlib.sha256(pickle.dumps(args, protocol=5)).hexdigest()


def chart(kind: str, *args, alt: str | None = None) -> None:
    """Draw ``charts.<kind>(*args)``. Building and validating an Altair spec costs ~40 ms a
    chart; the spec is cached on the data, which changes only when someone saves. ``alt`` is
    the chart's sentence for screen readers."""
    spec = _chart_spec(kind, _digest(args), args)
    st.vega_lite_chart(spec=spec, width="stretch", alt=alt)


OUTCOMES_MINUTES = 5


@st.cache_data(show_spinner=False, max_entries=16, ttl=OUTCOMES_MINUTES * 60)
def _outcomes(path: str, first, last, today, _reader: User) -> outcomes.Cohort:
    """A programme's cohort read once for every reader who asks within a few minutes: figures
    for hundreds of teens, not a live view of one (the page says how old they may be). The
    reader is not part of the key: the figures are the programme's, the same for each."""
    database = connect(path)
    try:
        return outcomes.load(database, _reader, first=first, last=last, today=today)
    finally:
        database.close()


def outcomes_for(user: User, *, first, last, today) -> outcomes.Cohort:
    """The cohort for a clinician or an admin, asked of ``access`` on every call (a cached
    answer skips the check inside ``outcomes.load``, never this one)."""
    access.require_outcomes_reader(db(), user)
    return _outcomes(str(config.db_path()), first, last, today, user)
