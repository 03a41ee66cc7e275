"""Chart axes a 12-year-old can read: the scale's own range and words, whole-number counts."""

from __future__ import annotations

from datetime import date

import pandas as pd

from companion.insight import charts


def _weeks():
    return pd.DataFrame(
        {
            "week": [date(2026, 11, 23), date(2026, 11, 30)],
            "mood_mean": [2.5, 3.5],
            "pain_mean": [6.0, 5.0],
            "coping_uses": [1, 2],
            "active_minutes": [0, 0],
        }
    )


def _y(chart) -> dict:
    return chart.to_dict()["encoding"]["y"]


def test_mood_runs_from_1_to_5_with_words_at_its_ends():
    y = _y(charts.weekly_average(_weeks(), "mood_mean", "Mood (1–5)", 5))
    assert y["scale"]["domain"] == [1, 5]
    assert y["axis"]["values"] == [1, 3, 5]
    assert "very low" in y["axis"]["labelExpr"] and "great" in y["axis"]["labelExpr"]


def test_pain_says_which_end_is_worst():
    y = _y(charts.weekly_average(_weeks(), "pain_mean", "Pain (0–10)", 10))
    assert y["scale"]["domain"] == [0, 10]
    assert "10 worst" in y["axis"]["labelExpr"] and "0 none" in y["axis"]["labelExpr"]


def test_counts_have_whole_number_ticks():
    for chart in (charts.coping(_weeks()), charts.activity(_weeks())):
        axis = _y(chart)["axis"]
        assert axis["format"] == "d" and axis["tickMinStep"] == 1
