"""Altair chart builders for progress pages. They return charts and never call Streamlit.

Each chart gets only the columns it draws, so no chart can carry data its viewer may not
see (a parent's school chart holds no pain numbers). Colours meet WCAG AA on white, and
every band carries a word, not just a colour.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

PRIMARY = "#1f5f8b"  # 6.9:1 on white
SECOND = "#8a4b08"  # 6.0:1 on white
GRID = "#4b5563"
BAND_COLOURS = {
    "No or minimal disability": "#e6f4ea",
    "Moderate disability": "#fff4d6",
    "Severe disability": "#fde2e1",
}
HEIGHT = 180


def _weeks(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The week (a short label, in order) and only the columns a chart draws."""
    data = frame[["week", *columns]].copy()
    data["week"] = [w.strftime("%-d %b") for w in data["week"]]
    return data


def _x() -> alt.X:
    return alt.X("week:O", title="Week starting", sort=None, axis=alt.Axis(labelAngle=0))


def _bars(data: pd.DataFrame, field: str, title: str, fmt: str = "") -> alt.Chart:
    return (
        alt.Chart(data)
        .mark_bar(color=PRIMARY)
        .encode(
            x=_x(),
            y=alt.Y(f"{field}:Q", title=title),
            tooltip=[
                alt.Tooltip("week:O", title="Week"),
                alt.Tooltip(f"{field}:Q", title=title, format=fmt),
            ],
        )
        .properties(height=HEIGHT, width="container")
    )


def _planned(data: pd.DataFrame, field: str) -> alt.Chart:
    """A dark tick per week at what was possible (school days, planned sessions)."""
    return alt.Chart(data).mark_tick(color=GRID, thickness=3).encode(x=_x(), y=f"{field}:Q")


def school(frame: pd.DataFrame) -> alt.LayerChart:
    data = _weeks(frame, ["school_attended", "school_days"])
    data = data[data["school_days"] > 0]
    return _bars(data, "school_attended", "Days at school", ".1f") + _planned(data, "school_days")


def exercise(frame: pd.DataFrame) -> alt.LayerChart:
    data = _weeks(frame, ["exercise_completed", "exercise_expected"])
    data = data[data["exercise_expected"] > 0]
    return _bars(data, "exercise_completed", "Sessions done", ".1f") + _planned(
        data, "exercise_expected"
    )


def activity(frame: pd.DataFrame) -> alt.Chart:
    return _bars(_weeks(frame, ["active_minutes"]), "active_minutes", "Active minutes")


def coping(frame: pd.DataFrame) -> alt.Chart:
    return _bars(_weeks(frame, ["coping_uses"]), "coping_uses", "Skills used")


def fdi(points: list[tuple], bands: tuple) -> alt.LayerChart:
    """FDI totals over time on the shaded bands, each band named in the legend."""
    data = pd.DataFrame(points, columns=["day", "score", "band"])
    data["day"] = pd.to_datetime(data["day"])
    shade = pd.DataFrame(
        [{"low": b.min, "high": min(b.max + 1, 60), "label": b.label} for b in bands]
    )
    areas = (
        alt.Chart(shade)
        .mark_rect()
        .encode(
            y=alt.Y("low:Q", title="FDI total (0–60)", scale=alt.Scale(domain=[0, 60])),
            y2="high:Q",
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=list(BAND_COLOURS), range=list(BAND_COLOURS.values())),
                legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2),
            ),
        )
    )
    line = (
        alt.Chart(data)
        .mark_line(color=PRIMARY, point=alt.OverlayMarkDef(color=PRIMARY, size=60))
        .encode(
            x=alt.X("day:T", title=None, axis=alt.Axis(format="%-d %b")),
            y="score:Q",
            tooltip=[
                alt.Tooltip("day:T", title="Day", format="%-d %b %Y"),
                alt.Tooltip("score:Q", title="FDI total"),
                alt.Tooltip("band:N", title="Band"),
            ],
        )
    )
    return (areas + line).properties(height=HEIGHT, width="container")


def weekly_average(frame: pd.DataFrame, column: str, title: str, top: int) -> alt.Chart:
    """A small line of weekly means (pain 0–10 or mood 1–5): never daily noise. Callers pass
    only columns the viewer may see; a missing column is never drawn."""
    data = _weeks(frame, [column]).dropna()
    return (
        alt.Chart(data)
        .mark_line(color=PRIMARY, point=alt.OverlayMarkDef(color=PRIMARY))
        .encode(
            x=_x(),
            y=alt.Y(f"{column}:Q", title=title, scale=alt.Scale(domain=[0, top])),
            tooltip=[
                alt.Tooltip("week:O", title="Week"),
                alt.Tooltip(f"{column}:Q", title=title, format=".1f"),
            ],
        )
        .properties(height=130, width="container")
    )
