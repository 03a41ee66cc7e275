"""Small-cell suppression: hand-worked tables, and properties over random partitions and
two-way tables. Whether a hidden cell can be worked out is checked here with exact fractions
(Gaussian elimination written below), not with the module's own numpy check."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.insight import suppression as sup
from companion.insight.suppression import HIDDEN, TOTAL, Relation

SETTINGS = settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
COUNT = st.integers(0, 40)
LARGE_OR_ZERO = st.one_of(st.just(0), st.integers(11, 40))


# --- the independent check -------------------------------------------------------------------


def determined(values: dict, relations: list, hidden: set) -> set:
    """The hidden cells the shown cells and the relations pin down: exact reduced row echelon
    form of the relations over the hidden cells; a cell is pinned down exactly when some
    reduced row is its unit vector (the pivot columns of a row-space vector are its
    coefficients on the reduced rows, so only that row can make it)."""
    unknowns = [c for c in values if c in hidden]
    col = {c: i for i, c in enumerate(unknowns)}
    rows = []
    for total, parts in relations:
        row = [Fraction(0)] * len(unknowns)
        if total in col:
            row[col[total]] += 1
        for part in parts:
            if part in col:
                row[col[part]] -= 1
        if any(row):
            rows.append(row)
    pivot_row = 0
    for j in range(len(unknowns)):
        pick = next((i for i in range(pivot_row, len(rows)) if rows[i][j] != 0), None)
        if pick is None:
            continue
        rows[pivot_row], rows[pick] = rows[pick], rows[pivot_row]
        lead = rows[pivot_row][j]
        rows[pivot_row] = [x / lead for x in rows[pivot_row]]
        for i in range(len(rows)):
            if i != pivot_row and rows[i][j] != 0:
                factor = rows[i][j]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[pivot_row], strict=True)]
        pivot_row += 1
    found = set()
    for row in rows[:pivot_row]:
        nonzero = [j for j, x in enumerate(row) if x != 0]
        if len(nonzero) == 1:
            found.add(unknowns[nonzero[0]])
    return found


def check(values: dict, relations: list, out: dict) -> set:
    """The four promises for one suppressed table; returns the hidden cells."""
    assert set(out) == set(values)
    hidden = {c for c, v in out.items() if v is None}
    for cell, shown in out.items():
        if shown is not None:
            assert shown == values[cell]
            assert not 1 <= shown <= 10, cell
        assert (values[cell] == 0 or values[cell] >= 11) or cell in hidden
    for total, parts in relations:
        assert sum(c in hidden for c in {total, *parts}) != 1, (total, parts)
    assert determined(values, relations, hidden) == set()
    # a fixed point: asked again with what it hid, it hides nothing more
    assert sup.suppress(values, relations, hide=hidden) == out
    return hidden


def two_way_cells(table: pd.DataFrame) -> tuple[dict, list]:
    rows, cols = list(table.index), list(table.columns)
    values = {(r, c): int(table.at[r, c]) for r in rows for c in cols}
    values |= {(r, TOTAL): int(table.loc[r].sum()) for r in rows}
    values |= {(TOTAL, c): int(table[c].sum()) for c in cols}
    values[(TOTAL, TOTAL)] = int(table.to_numpy().sum())
    relations = [((r, TOTAL), [(r, c) for c in cols]) for r in rows]
    relations += [((TOTAL, c), [(r, c) for r in rows]) for c in cols]
    relations += [((TOTAL, TOTAL), [(r, TOTAL) for r in rows])]
    relations += [((TOTAL, TOTAL), [(TOTAL, c) for c in cols])]
    return values, relations


def frame_cells(frame: pd.DataFrame) -> dict:
    return {(r, c): frame.at[r, c] for r in frame.index for c in frame.columns}


def partition_cells(counts: dict) -> tuple[dict, list]:
    return {**counts, TOTAL: sum(counts.values())}, [(TOTAL, list(counts))]


@st.composite
def tables(draw, count=COUNT) -> pd.DataFrame:
    n_rows, n_cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    data = [[draw(count) for _ in range(n_cols)] for _ in range(n_rows)]
    return pd.DataFrame(
        data, index=[f"r{i}" for i in range(n_rows)], columns=[f"c{j}" for j in range(n_cols)]
    )


def counts_of(count=COUNT):
    return st.lists(count, min_size=1, max_size=7).map(
        lambda xs: {f"k{i}": x for i, x in enumerate(xs)}
    )


@st.composite
def splits(draw) -> dict:
    """Two or three fields splitting one total."""
    total = draw(st.integers(0, 80))
    fields = {}
    for f in range(draw(st.integers(2, 3))):
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=0, max_size=4)))
        bounds = [0, *cuts, total]
        sizes = [b - a for a, b in zip(bounds, bounds[1:], strict=False)]
        fields[f"f{f}"] = {f"k{i}": size for i, size in enumerate(sizes)}
    return fields


# --- hand-worked examples ---------------------------------------------------------------------


def test_the_worked_example_hides_male_and_its_complement_and_shows_the_zeros_and_total():
    out = sup.partition({"Female": 25, "Male": 5, "Intersex": 0, "Not recorded": 0})
    assert out == {"Female": None, "Male": None, "Intersex": 0, "Not recorded": 0, "Total": 30}


def test_the_independent_check_sees_a_count_given_away_by_its_total():
    # the check the properties rest on can fail: Male alone hidden is 30 − 25 = 5
    values, relations = partition_cells({"Female": 25, "Male": 5, "Intersex": 0, "NR": 0})
    assert determined(values, relations, {"Male"}) == {"Male"}
    assert determined(values, relations, {"Male", "Female"}) == set()
    # and through a chain: rows and columns of a table give away a bridge between two blocks
    table = pd.DataFrame([[20] * 4] * 4, index=list("abcd"), columns=list("wxyz"))
    values, relations = two_way_cells(table)
    bridge = {("b", "y")}
    blocks = {(r, c) for r in "ab" for c in "wx"} | {(r, c) for r in "cd" for c in "yz"}
    assert determined(values, relations, blocks | bridge) == bridge


def test_a_band_shift_table_hides_the_small_cell_and_a_cycle_around_it():
    bands = ["Minimal", "Moderate", "Severe"]
    table = pd.DataFrame([[12, 0, 0], [20, 15, 3], [14, 11, 25]], index=bands, columns=bands)
    table.index.name, table.columns.name = "Admission", "3 months"
    out = sup.two_way(table)
    expected = pd.DataFrame(
        [[12, 0, 0, 12], [20, None, None, 38], [14, None, None, 50], [46, 26, 28, 100]],
        index=[*bands, "Total"],
        columns=[*bands, "Total"],
        dtype=object,
    )
    # Moderate→Severe 3 is small; its row's smallest other count (15) and its column's (25,
    # not the zero) go with it; then Severe→Moderate 11 closes the 15's column
    pd.testing.assert_frame_equal(out, expected, check_names=False)
    assert (out.index.name, out.columns.name) == ("Admission", "3 months")
    assert {type(v) for v in out.to_numpy().ravel() if v is not None} == {int}
    check(*two_way_cells(table), frame_cells(out))


def test_a_table_with_no_small_count_is_shown_whole():
    table = pd.DataFrame([[11, 0, 40], [25, 12, 0]], index=["a", "b"], columns=["x", "y", "z"])
    out = sup.two_way(table)
    assert out.loc[["a", "b"], ["x", "y", "z"]].equals(table.astype(object))
    assert list(out["Total"]) == [51, 37, 88] and list(out.loc["Total"]) == [36, 12, 40, 88]
    assert sup.footnote(out) == ""


def test_a_total_under_eleven_hides_everything_that_is_not_zero():
    assert sup.partition({"a": 3, "b": 0, "c": 4}) == {"a": None, "b": 0, "c": None, "Total": None}
    table = pd.DataFrame([[2, 0], [1, 6]], index=["a", "b"], columns=["x", "y"])
    out = sup.two_way(table)
    assert frame_cells(out) == {
        **{k: None for k in frame_cells(out)},
        ("a", "y"): 0,
    }


def test_when_only_zeros_are_left_the_total_is_hidden_not_a_zero():
    # A is hidden elsewhere on the page; 25 − 0 − 0 would give it back
    out = sup.suppress(
        {"A": 25, "B": 0, "C": 0, "T": 25}, [Relation("T", ("A", "B", "C"))], hide=["A"]
    )
    assert out == {"A": None, "B": 0, "C": 0, "T": None}
    # in a table: r1 is 25 and a zero; once its 25 is a complement, the row total goes too
    table = pd.DataFrame([[25, 0], [5, 20]], index=["r1", "r2"], columns=["c1", "c2"])
    out = sup.two_way(table)
    shown = {k: v for k, v in frame_cells(out).items() if v is not None}
    assert shown == {("r1", "c2"): 0, ("Total", "Total"): 50}
    check(*two_way_cells(table), frame_cells(out))


def test_the_linear_check_hides_more_when_every_line_already_has_two_hidden():
    # two hidden blocks and a bridge between them: every row and column holds 0 or ≥ 2
    # hidden cells, yet rows a, b minus columns w, x leave the bridge alone
    table = pd.DataFrame([[20] * 4] * 4, index=list("abcd"), columns=list("wxyz"))
    values, relations = two_way_cells(table)
    given = {(r, c) for r in "ab" for c in "wx"} | {(r, c) for r in "cd" for c in "yz"}
    given.add(("b", "y"))
    out = sup.suppress(values, relations, hide=given)
    hidden = check(values, relations, out)
    assert hidden > given


def test_the_with_data_pair_and_shares():
    assert sup.pair(25, 30) == (None, 30)  # 5 without data
    assert sup.pair(0, 30) == (0, 30) and sup.pair(30, 30) == (30, 30)
    assert sup.pair(3, 5) == (None, None) and sup.pair(0, 0) == (0, 0)
    assert sup.pair(11, 22) == (11, 22)
    assert not sup.share(25, 30) and not sup.share(5, 30)
    assert sup.share(0, 30) and sup.share(30, 30) and sup.share(11, 22)
    assert not sup.share(0, 5) and not sup.share(5, 5) and not sup.share(0, 0)
    assert not sup.share(None, 30) and not sup.share(20, None)


def test_a_group_mean_goes_when_its_n_is_hidden():
    out = sup.partition({"Female": 25, "Male": 5, "Intersex": 0, "Not recorded": 0})
    assert not sup.stat_shown(out["Female"])  # 25 teens, but hidden as Male's complement
    assert not sup.stat_shown(out["Male"]) and not sup.stat_shown(out["Intersex"])
    assert sup.stat_shown(out["Total"])
    assert not sup.stat_shown(10) and sup.stat_shown(11)


def test_several_fields_split_one_total():
    out = sup.several_partitions(
        {"sex": {"Female": 25, "Male": 5}, "age": {"12–14": 15, "15–17": 15}}
    )
    assert out == {
        "sex": {"Female": None, "Male": None, "Total": 30},
        "age": {"12–14": 15, "15–17": 15, "Total": 30},
    }
    # the shared total is one cell: hidden by one field, the other field must hide two
    out = sup.several_partitions({"a": {"x": 5, "y": 0}, "b": {"u": 2, "v": 3}})
    assert out == {
        "a": {"x": None, "y": 0, "Total": None},
        "b": {"u": None, "v": None, "Total": None},
    }
    with pytest.raises(ValueError, match="different totals"):
        sup.several_partitions({"a": {"x": 5}, "b": {"u": 6}})
    assert sup.several_partitions({}) == {}


def test_show_and_the_footnote():
    assert sup.show(None) == HIDDEN == "—" and sup.show(0) == "0" and sup.show(25) == "25"
    assert sup.THRESHOLD == 11
    assert sup.FOOTNOTE == (
        "— : fewer than 11 teens, or hidden so that a smaller group can't be worked out"
        " from the totals."
    )
    assert sup.footnote({"a": 0, "b": 30}) == ""
    assert sup.footnote({"a": 0}, {"b": None}) == sup.FOOTNOTE
    frame = sup.two_way(pd.DataFrame([[5, 20]], index=["a"], columns=["x", "y"]))
    assert sup.footnote(frame) == sup.FOOTNOTE
    assert [sup.show(v) for v in frame.loc["a"]] == ["—", "—", "25"]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="not the sum"):
        sup.suppress({"a": 5, "t": 6}, [("t", ["a"])])
    with pytest.raises(ValueError, match="negative"):
        sup.partition({"a": -1, "b": 20})
    with pytest.raises(ValueError, match="whole number"):
        sup.partition({"a": 2.5})
    with pytest.raises(ValueError, match="unknown"):
        sup.suppress({"a": 5}, [("t", ["a"])])
    with pytest.raises(ValueError, match="unknown"):
        sup.suppress({"a": 5}, hide=["b"])
    with pytest.raises(ValueError, match="is a category"):
        sup.partition({"Total": 12})
    with pytest.raises(ValueError, match="already a row"):
        sup.two_way(pd.DataFrame([[1]], index=["Total"], columns=["x"]))
    with pytest.raises(ValueError, match="larger"):
        sup.pair(12, 11)


# --- properties -------------------------------------------------------------------------------


@SETTINGS
@given(counts_of())
def test_partitions_keep_the_promises(counts):
    values, relations = partition_cells(counts)
    out = sup.partition(counts)
    check(values, relations, out)


@settings(SETTINGS, max_examples=300)
@given(tables())
def test_two_way_tables_keep_the_promises(table):
    values, relations = two_way_cells(table)
    out = frame_cells(sup.two_way(table))
    assert set(out) == set(values)
    check(values, relations, {k: out[k] for k in values})


@SETTINGS
@given(splits())
def test_several_partitions_keep_the_promises(fields):
    values = {(f, k): v for f, counts in fields.items() for k, v in counts.items()}
    values[TOTAL] = sum(next(iter(fields.values())).values())
    relations = [(TOTAL, [(f, k) for k in counts]) for f, counts in fields.items()]
    out = sup.several_partitions(fields)
    flat = {(f, k): v for f, shown in out.items() for k, v in shown.items() if k != TOTAL}
    assert {shown[TOTAL] for shown in out.values()} in ({None}, {values[TOTAL]})
    check(values, relations, {**flat, TOTAL: next(iter(out.values()))[TOTAL]})


@SETTINGS
@given(counts_of(LARGE_OR_ZERO), tables(LARGE_OR_ZERO))
def test_tables_with_no_small_count_are_shown_whole(counts, table):
    assert sup.partition(counts) == partition_cells(counts)[0]
    out = sup.two_way(table)
    assert frame_cells(out) == two_way_cells(table)[0]


@SETTINGS
@given(st.integers(0, 40), st.integers(0, 40))
def test_a_share_may_be_shown_exactly_when_its_pair_is_shown_whole(a, b):
    k, n = min(a, b), max(a, b)
    part, whole = sup.pair(k, n)
    assert sup.share(k, n) == (part is not None and whole is not None and n >= 11)
    values = {"part": k, "rest": n - k, "whole": n}
    relations = [("whole", ["part", "rest"])]
    check(values, relations, sup.suppress(values, relations))
