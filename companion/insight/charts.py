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


def _bars(
    data: pd.DataFrame, field: str, title: str, fmt: str = "", legend: tuple | None = None
) -> alt.Chart:
    """Bars of ``field``; with ``legend`` (bar label, tick label) the bars and the ticks of
    ``_planned`` are named in one legend above the chart."""
    colour = (
        alt.Color(
            "what:N",
            scale=alt.Scale(domain=list(legend), range=[PRIMARY, GRID]),
            legend=alt.Legend(
                # one name a line: side by side, the second was cut off at 320 px
                title=None,
                orient="top",
                direction="vertical",
                columns=1,
                symbolType="square",
                labelLimit=0,
            ),
        )
        if legend
        else alt.value(PRIMARY)
    )
    return (
        alt.Chart(data.assign(what=legend[0]) if legend else data)
        .mark_bar()
        .encode(
            x=_x(),
            # counts: whole-number ticks, never "0.5 skills" or "0.000000" minutes
            y=alt.Y(f"{field}:Q", title=title, axis=alt.Axis(tickMinStep=1, format="d")),
            color=colour,
            tooltip=[
                alt.Tooltip("week:O", title="Week"),
                alt.Tooltip(f"{field}:Q", title=title, format=fmt),
            ],
        )
        .properties(height=HEIGHT, width="container")
    )


def _planned(data: pd.DataFrame, field: str, legend: tuple) -> alt.Chart:
    """A dark tick per week at what was possible (school days, planned sessions), named in
    the legend as ``legend[1]``."""
    return (
        alt.Chart(data.assign(what=legend[1]))
        .mark_tick(thickness=3)
        .encode(
            x=_x(),
            y=f"{field}:Q",
            color=alt.Color("what:N", scale=alt.Scale(domain=list(legend), range=[PRIMARY, GRID])),
            tooltip=[
                alt.Tooltip("week:O", title="Week"),
                alt.Tooltip(f"{field}:Q", title=legend[1], format=".1f"),
            ],
        )
    )


SCHOOL_LEGEND = ("Days at school", "School days logged")
EXERCISE_LEGEND = ("Sessions done", "Sessions planned")


def school(frame: pd.DataFrame) -> alt.LayerChart:
    data = _weeks(frame, ["school_attended", "school_days"])
    data = data[data["school_days"] > 0]
    bars = _bars(data, "school_attended", "Days at school", ".1f", SCHOOL_LEGEND)
    return bars + _planned(data, "school_days", SCHOOL_LEGEND)


def exercise(frame: pd.DataFrame) -> alt.LayerChart:
    data = _weeks(frame, ["exercise_completed", "exercise_expected"])
    data = data[data["exercise_expected"] > 0]
    bars = _bars(data, "exercise_completed", "Sessions done", ".1f", EXERCISE_LEGEND)
    return bars + _planned(data, "exercise_expected", EXERCISE_LEGEND)


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
                legend=alt.Legend(
                    title=None, orient="top", direction="vertical", columns=1, labelLimit=0
                ),
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


# the words at the ends (and middle) of each weekly-average scale
SCALE_WORDS = {
    "pain_mean": (0, 10, {0: "0 none", 5: "5", 10: "10 worst"}),
    "mood_mean": (1, 5, {1: "1 very low", 3: "3 okay", 5: "5 great"}),
}


def weekly_average(frame: pd.DataFrame, column: str, title: str, top: int) -> alt.Chart:
    """A small line of weekly means (pain 0–10 or mood 1–5): never daily noise. Callers pass
    only columns the viewer may see; a missing column is never drawn. The axis runs over the
    scale's own range, with words at its marks (mood starts at 1, not 0)."""
    data = _weeks(frame, [column]).dropna()
    low, high, words = SCALE_WORDS.get(column, (0, top, {}))
    label = " : ".join(f"datum.value == {v} ? '{w}'" for v, w in words.items())
    axis = (
        alt.Axis(values=list(words), labelExpr=f"{label} : ''", labelLimit=0)
        if words
        else alt.Axis()
    )
    return (
        alt.Chart(data)
        .mark_line(color=PRIMARY, point=alt.OverlayMarkDef(color=PRIMARY))
        .encode(
            x=_x(),
            y=alt.Y(f"{column}:Q", title=title, scale=alt.Scale(domain=[low, high]), axis=axis),
            tooltip=[
                alt.Tooltip("week:O", title="Week"),
                alt.Tooltip(f"{column}:Q", title=title, format=".1f"),
            ],
        )
        .properties(height=130, width="container")
    )


# --- programme outcomes ------------------------------------------------------------------------

# FDI band -> colour for the stacked bars (3:1 or more against white and their neighbours'
# white edge); the band's words are in the legend and the tooltip
OUTCOME_BANDS = {
    "No or minimal disability": "#2e7d4f",
    "Moderate disability": "#b26a00",
    "Severe disability": "#b3261e",
}


def outcome_trajectory(rows: pd.DataFrame, title: str) -> alt.LayerChart:
    """Mean at each time point with its 95% interval as a bar: ``rows`` from
    ``outcome_tables.trajectory_rows`` (shown figures only)."""
    order = list(rows.sort_values("order")["time point"])
    x = alt.X("time point:N", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    base = alt.Chart(rows[["time point", "order", "mean", "low", "high", "teens"]])
    interval = base.mark_rule(color=GRID, strokeWidth=2).encode(
        x=x, y=alt.Y("low:Q", title=title, scale=alt.Scale(zero=False)), y2="high:Q"
    )
    line = base.mark_line(color=PRIMARY, point=alt.OverlayMarkDef(color=PRIMARY, size=60)).encode(
        x=x,
        y="mean:Q",
        tooltip=[
            alt.Tooltip("time point:N"),
            alt.Tooltip("mean:Q", format=".1f", title="mean"),
            alt.Tooltip("low:Q", format=".1f", title="95% CI from"),
            alt.Tooltip("high:Q", format=".1f", title="to"),
            alt.Tooltip("teens:Q"),
        ],
    )
    return (interval + line).properties(height=HEIGHT)


def band_shift_bars(rows: pd.DataFrame) -> alt.Chart:
    """The share of teens in each FDI band at discharge and each follow-up, stacked; the
    band's words are in the legend (colour never carries the meaning alone)."""
    data = rows.rename(columns={"band": "words"})
    words, colours = list(OUTCOME_BANDS), list(OUTCOME_BANDS.values())
    order = list(dict.fromkeys(data.sort_values("order")["time point"]))
    return (
        alt.Chart(data[["time point", "words", "share", "teens", "order"]])
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("time point:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share:Q", title="Share of teens", axis=alt.Axis(format="%")),
            color=alt.Color(
                "words:N",
                scale=alt.Scale(domain=words, range=colours),
                legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=0),
            ),
            order=alt.Order("words:N", sort="descending"),
            tooltip=["time point:N", "words:N", "teens:Q", alt.Tooltip("share:Q", format=".0%")],
        )
        # Streamlit fits legend and plot into this height: the three-line legend needs room
        .properties(height=HEIGHT + 100)
    )
