"""The programme-outcome figures as the Outcomes page and the yearly report show them: every
count of teens through small-cell suppression (``suppression``: nothing from 1 to 10, nor
anything that gives one away), every mean or median only where its group's count is shown,
and every value as text a person reads. Built from ``outcomes`` (the numbers) alone."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from companion.insight import outcomes, suppression
from companion.insight.outcomes import TIME_POINTS, Cohort, Stat

HIDDEN = suppression.HIDDEN
FOLLOW_UPS = tuple(tp for tp in TIME_POINTS if tp.days)  # 1, 3, 6 and 12 months

# measure key -> (name as a person reads it, unit of its value as text)
MEASURES: dict[str, tuple[str, str]] = {
    "fdi": ("FDI total (0–60, lower is better)", "points"),
    "pain": ("Pain (0–10, mean of the 14 days before)", "points"),
    "school": ("School attendance (4 weeks before)", "percent"),
    "checkin_rate": ("Days with a check-in (4 weeks before)", "percent"),
    "adherence": ("Home exercise adherence (4 weeks before)", "percent"),
    "interference": ("Pain getting in the way (0–10)", "points"),
}
BANDS = outcomes.BANDS


def _number(x: float | None, unit: str) -> str:
    if x is None or pd.isna(x):
        return ""
    return f"{100 * x:.0f}%" if unit == "percent" else f"{x:.1f}"


def stat_text(stat: Stat, unit: str) -> tuple[str, str]:
    """(mean with its 95% interval, median) as text; empty where not measured."""
    if not stat.n:
        return "", ""
    mean = _number(stat.mean, unit)
    if stat.ci_low is not None:
        mean += f" ({_number(stat.ci_low, unit)} to {_number(stat.ci_high, unit)})"
    return mean, _number(stat.median, unit)


def _age_text(stat: Stat) -> str:
    if not stat.n:
        return "not recorded"
    sd = f", SD {stat.sd:.1f}" if stat.sd is not None else ""
    return f"mean {stat.mean:.1f}{sd}; {stat.minimum:.0f} to {stat.maximum:.0f}"


def _days_text(stat: Stat, n_shown: int | None) -> str:
    if n_shown is None:
        return HIDDEN
    if not stat.n:
        return "not recorded"
    return f"median {stat.median:.0f} days (mean {stat.mean:.0f}; {n_shown} teens with dates)"


@dataclass
class CohortView:
    n: int | None  # None: fewer than 11, every figure hidden
    facts: list[tuple[str, str]] = field(default_factory=list)  # (what, value) rows
    population: dict[str, pd.DataFrame] = field(default_factory=dict)  # field label -> table
    footnote: str = ""


def cohort_view(cohort: Cohort) -> CohortView:
    summary = outcomes.cohort_summary(cohort)
    if summary.n < suppression.THRESHOLD:
        return CohortView(n=None)
    stays, _ = suppression.pair(summary.length_of_stay.n, summary.n)
    lags, _ = suppression.pair(summary.referral_lag.n, summary.n)
    facts = [
        ("Teen-episodes discharged", str(summary.n)),
        ("Age at discharge (years)", _age_text(summary.age)),
        ("Length of stay", _days_text(summary.length_of_stay, stays)),
        ("Referral to admission", _days_text(summary.referral_lag, lags)),
    ]
    shown = suppression.several_partitions(dict(summary.counts))
    tables = {}
    for label, cells in shown.items():
        rows = []
        for category, count in cells.items():
            if category == suppression.TOTAL:
                continue
            # a count and the shown total give its share away anyway: shown with the count
            percent = HIDDEN if count is None else f"{100 * count / summary.n:.0f}%"
            rows.append({"Group": category, "Teens": suppression.show(count), "%": percent})
        tables[label] = pd.DataFrame(rows)
    note = suppression.footnote(*shown.values())
    return CohortView(n=summary.n, facts=facts, population=tables, footnote=note)


_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _once(cohort: Cohort, key: tuple, compute: Callable[[], object]):
    """``compute()`` once per cohort and key: a page and the pooling ask for the same
    figures table after table (the pooled SIG cohort is 100,000 teens)."""
    memo = _MEMO.setdefault(cohort, {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _stats(cohort: Cohort, measure: str) -> dict[str, Stat]:
    return _once(
        cohort, ("stats", measure), lambda: outcomes.at_time_points(cohort.measures, measure)
    )


def _retention(cohort: Cohort) -> pd.DataFrame:
    return _once(cohort, ("retention",), lambda: outcomes.retention(cohort.measures))


def _change_stat(cohort: Cohort, measure: str, tp_key: str) -> Stat:
    return _once(
        cohort,
        ("change", measure, tp_key),
        lambda: outcomes.change_from_discharge(cohort.measures, measure, tp_key),
    )


def _kept(cohort: Cohort) -> dict[str, tuple[int | None, int | None]]:
    """(with data, reached) at each time point, as the retention table shows them."""
    return _once(cohort, ("kept",), lambda: _kept_now(cohort))


def _kept_now(cohort: Cohort) -> dict[str, tuple[int | None, int | None]]:
    frame = _retention(cohort)
    return {
        row.time_point: suppression.pair(int(row.with_data), int(row.reached))
        for row in frame.itertuples()
    }


def _valued(cohort: Cohort, measure: str) -> dict[str, tuple[int, int | None]]:
    """Teens with a value of the measure at each time point: (true count, count as shown).
    "V of R who reached it" makes R − V a count too, so V is hidden with it; R is hidden
    where the retention table hides it."""
    return _once(cohort, ("valued", measure), lambda: _valued_now(cohort, measure))


def _valued_now(cohort: Cohort, measure: str) -> dict[str, tuple[int, int | None]]:
    """V beside R (teens who reached the time point) and beside W (teens with any data) as
    the retention table shows them: R − V is a count, and so is W − V when the teens with a
    value are among those with data (or V − W the other way round)."""
    m = cohort.measures
    kept = _kept(cohort)
    out = {}
    for tp in TIME_POINTS:
        at = outcomes.at_point(m, tp.key)
        valued, data = at[measure].notna(), at["has_data"].astype(bool)
        v, r, w = int(valued.sum()), len(at), int(data.sum())
        cells = {"valued": v, "rest": r - v, "reached": r, "with": w, "without": r - w}
        relations = [("reached", ("valued", "rest")), ("reached", ("with", "without"))]
        if not (valued & ~data).any():  # V within W
            cells["w_rest"] = w - v
            relations.append(("with", ("valued", "w_rest")))
        elif not (data & ~valued).any():  # W within V
            cells["v_rest"] = v - w
            relations.append(("valued", ("with", "v_rest")))
        w_shown, r_shown = kept[tp.key]
        hide = ["reached"] * (r_shown is None) + ["with", "without"] * (w_shown is None)
        got = suppression.suppress(cells, relations, hide=hide)
        # a count the retention table shows must stay shown: else V goes instead
        fits = (got["reached"] is not None or r_shown is None) and (
            got["with"] is not None or w_shown is None
        )
        out[tp.key] = (v, got["valued"] if fits else None)
    return out


def _paired_shown(cohort: Cohort, measure: str, tp_key: str) -> bool:
    """Whether the teens with a value at discharge and at the time point (B) may be counted:
    with V at the time point and D at discharge shown, V − B and D − B are counts too."""
    valued = _valued(cohort, measure)
    (v, v_shown), (d, d_shown) = valued[tp_key], valued["discharge"]
    b = _change_stat(cohort, measure, tp_key).n
    if v_shown is None or d_shown is None or b < suppression.THRESHOLD:
        return False
    cells = suppression.suppress(
        {"both": b, "v_rest": v - b, "d_rest": d - b, "v": v, "d": d},
        [("v", ("both", "v_rest")), ("d", ("both", "d_rest"))],
    )
    return all(value is not None for value in cells.values())


def paired_count(cohort: Cohort, measure: str, tp_key: str) -> int | None:
    """Teens with a value at discharge and at the time point, as a table may show it (None:
    hidden)."""
    both = _change_stat(cohort, measure, tp_key).n
    if not both:
        return 0
    return both if _paired_shown(cohort, measure, tp_key) else None


def measure_table(cohort: Cohort, measure: str) -> tuple[pd.DataFrame, str]:
    """One measure at every time point: teens with a value, mean (95% CI), median, and the
    change from discharge in the teens with both."""
    _, unit = MEASURES[measure]
    stats = _stats(cohort, measure)
    valued = _valued(cohort, measure)
    rows, hidden = [], False
    for tp in TIME_POINTS:
        stat, (_, n) = stats[tp.key], valued[tp.key]
        hidden |= n is None
        row = {"Time point": tp.label, "Teens with a value": suppression.show(n)}
        if suppression.stat_shown(n):
            row["Mean (95% CI)"], row["Median"] = stat_text(stat, unit)
        else:
            row["Mean (95% CI)"] = row["Median"] = HIDDEN if n is None else ""
        row["Change from discharge (95% CI)"] = _change(cohort, measure, tp.key, unit)
        hidden |= row["Change from discharge (95% CI)"] == HIDDEN
        rows.append(row)
    return pd.DataFrame(rows), suppression.FOOTNOTE if hidden else ""


def _change(cohort: Cohort, measure: str, tp_key: str, unit: str) -> str:
    if tp_key in ("admission", "discharge"):
        return ""
    change = _change_stat(cohort, measure, tp_key)
    if not change.n:
        return ""
    if not _paired_shown(cohort, measure, tp_key):
        return HIDDEN
    text, _ = stat_text(change, unit)
    sign = "+" if change.mean > 0 else ""
    return f"{sign}{text} in {change.n} teens"


def retention_table(cohort: Cohort) -> tuple[pd.DataFrame, str]:
    true = _retention(cohort).set_index("time_point")["reached"]
    kept = _kept(cohort)  # the counts as shown, the same ones the other tables respect
    rows, hidden = [], False
    for tp in TIME_POINTS:
        with_data, reached = kept[tp.key]
        hidden |= with_data is None or reached is None
        # both counts shown: their share says nothing more
        share = (
            f"{100 * with_data / reached:.0f}%"
            if with_data is not None and reached
            else (HIDDEN if true[tp.key] else "")
        )
        rows.append(
            {
                "Time point": tp.label,
                "Teens who reached it": suppression.show(reached),
                "With data": suppression.show(with_data),
                "%": share,
            }
        )
    return pd.DataFrame(rows), suppression.FOOTNOTE if hidden else ""


def band_shift_table(cohort: Cohort, tp_key: str) -> pd.DataFrame:
    """FDI band at discharge (rows) against the band at the time point (columns), teens with
    both, suppressed (cells are ints or None). Its grand total is the teens with both, so
    where the change table may not count them, every cell is hidden."""
    table = outcomes.band_shift(cohort.measures, tp_key)
    shown = suppression.two_way(table)
    if not _paired_shown(cohort, "fdi", tp_key):
        return shown.map(lambda _: None)
    return shown


def band_shift_rows(cohort: Cohort, tp_key: str) -> pd.DataFrame:
    """For the stacked bar: the share of the same teens in each band at discharge and at the
    time point, from the band-shift table's margins (nothing when one is hidden)."""
    table = band_shift_table(cohort, tp_key)
    total = table.at[suppression.TOTAL, suppression.TOTAL]
    margins = {
        "At discharge": [table.at[band, suppression.TOTAL] for band in BANDS],
        f"At {outcomes.BY_KEY[tp_key].label}": [table.at[suppression.TOTAL, b] for b in BANDS],
    }
    rows = []
    if total and all(v is not None for values in margins.values() for v in values):
        for order, (label, values) in enumerate(margins.items()):
            rows += [
                {"time point": label, "order": order, "band": band, "teens": n, "share": n / total}
                for band, n in zip(BANDS, values, strict=True)
            ]
    return pd.DataFrame(rows, columns=["time point", "order", "band", "teens", "share"])


def pain_improvement_table(cohort: Cohort) -> tuple[pd.DataFrame, str]:
    """At each follow-up, teens whose pain fell by at least the minimal clinically significant
    difference from discharge (1 point or 12.5%), of the teens with pain at both."""
    rows, hidden = [], False
    for tp in FOLLOW_UPS:
        improved, n = outcomes.pain_improved(cohort.measures, tp.key)
        if not n:
            text = "no teens with both scores"
        elif _paired_shown(cohort, "pain", tp.key) and suppression.share(improved, n):
            text = f"{improved} of {n} ({100 * improved / n:.0f}%)"
        else:
            text, hidden = HIDDEN, True
        rows.append({"Time point": tp.label, "Pain fell by 1 point or 12.5% or more": text})
    return pd.DataFrame(rows), suppression.FOOTNOTE if hidden else ""


AT_LEAST = f"{suppression.THRESHOLD} or more"


def by_group_table(
    cohort: Cohort, split: str, measure: str, tp_key: str
) -> tuple[pd.DataFrame, str]:
    """One measure at one time point, group by group: its mean (95% CI) and median where 11
    or more teens in the group have a value, else "—" (0 included). A group's exact count is
    not given ("11 or more"): beside the group's size in the cohort tables it would tell how
    many of them had no value, often a handful. "All" is the measure table's count."""
    _, unit = MEASURES[measure]
    stats = outcomes.by_group(cohort, split, measure, tp_key)
    _, v_shown = _valued(cohort, measure)[tp_key]
    rows, hidden = [], v_shown is None
    for group, stat in stats.items():
        if stat.n >= suppression.THRESHOLD:
            count = AT_LEAST
            mean, median = stat_text(stat, unit)
        else:  # 0 too: a group shown as 0 beside one "11 or more" would give its count away
            count = mean = median = HIDDEN
            hidden = True
        rows.append(
            {"Group": group, "Teens with a value": count, "Mean (95% CI)": mean, "Median": median}
        )
    rows.append(
        {
            "Group": "All",
            "Teens with a value": suppression.show(v_shown),
            "Mean (95% CI)": "",
            "Median": "",
        }
    )
    return pd.DataFrame(rows), suppression.FOOTNOTE if hidden else ""


def trajectory_rows(cohort: Cohort, measure: str) -> pd.DataFrame:
    """Mean and 95% interval at each time point, for the chart: shown figures only."""
    _, unit = MEASURES[measure]
    stats = _stats(cohort, measure)
    valued = _valued(cohort, measure)
    scale = 100 if unit == "percent" else 1
    rows = []
    for order, tp in enumerate(TIME_POINTS):
        stat, (_, n) = stats[tp.key], valued[tp.key]
        if not suppression.stat_shown(n) or stat.ci_low is None:
            continue
        rows.append(
            {
                "time point": tp.label,
                "order": order,
                "mean": stat.mean * scale,
                "low": stat.ci_low * scale,
                "high": stat.ci_high * scale,
                "teens": n,
            }
        )
    return pd.DataFrame(rows, columns=["time point", "order", "mean", "low", "high", "teens"])
