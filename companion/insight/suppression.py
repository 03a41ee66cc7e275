"""Small-cell suppression (issue 16): no count of teens from 1 to 10 is shown, neither directly
nor worked out from what is shown (the US CMS cell-size rule). Zero may be shown. A hidden
count is shown as ``HIDDEN`` ("—") with ``FOOTNOTE`` under the table, never as 0. Pure
functions: no Streamlit, no database.

The core, ``suppress(cells, relations)``: cells are named counts (ints ≥ 0, any hashable
name); a relation ``Relation(total, parts)`` says "total = sum of parts" (a partition of a
total, one row or column of a two-way table with its margin, "reached = with data + without
data"). Totals are cells too. It returns every cell, each its count or None (hidden):

1. primary: every count from 1 to 10 is hidden;
2. complementary: a relation that holds exactly one hidden cell would give it away (total −
   the rest), so the smallest unhidden non-zero count in it is hidden too (a zero is a weak
   complement: if only zeros are left, the relation's total is hidden instead); repeated until
   nothing changes;
3. check: a hidden cell can be worked out when its unit vector lies in the row space of the
   relations restricted to the hidden cells (the shown values substituted). While one can,
   the smallest unhidden count in a relation holding it is hidden as well, and (2) and (3) run
   again. The result is a fixed point: ``suppress(..., hide=<what it hid>)`` hides no more.

Worked example, sex at birth: Female 25, Male 5, Intersex 0, Not recorded 0 (Total 30).
Male is hidden (primary, 5). Female is hidden as its complement (else 30 − 25 − 0 − 0 = 5
gives Male away). The zeros and the total are shown:

    >>> partition({"Female": 25, "Male": 5, "Intersex": 0, "Not recorded": 0})
    {'Female': None, 'Male': None, 'Intersex': 0, 'Not recorded': 0, 'Total': 30}

What the pages call:
- ``partition(counts)`` — the categories of one field and their total;
- ``several_partitions({field: counts})`` — one total split by several fields on one page;
- ``two_way(frame)`` — a two-way count table (a band shift table), with a Total row and
  column, every cell an int or None;
- ``pair(part, whole)`` — "25 of 30 teens with data": whole − part is a count too;
- ``share(k, n)`` — whether k/n may be shown as a percentage with its n;
- ``stat_shown(n)`` — whether a group's mean or median may be shown: pass the group's n *as
  it came out of suppression* (None when hidden), so a mean goes whenever its n goes;
- ``show(value)`` — the text of one cell; ``footnote(*tables)`` — FOOTNOTE when anything in
  the tables is hidden, else "".

Not covered: bounds from counts being ≥ 0 (a hidden pair's sum is known where its relation's
other cells are shown), and figures outside the relations the caller declares.
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

THRESHOLD = 11
HIDDEN = "—"
FOOTNOTE = (
    "— : fewer than 11 teens, or hidden so that a smaller group can't be worked out"
    " from the totals."
)
TOTAL = "Total"
_TOL = 1e-9


class Relation(NamedTuple):
    """``total`` = the sum of ``parts`` (cell names)."""

    total: Hashable
    parts: tuple[Hashable, ...]

    @property
    def cells(self) -> tuple[Hashable, ...]:
        return tuple(dict.fromkeys((self.total, *self.parts)))


def small(value: int) -> bool:
    """A count that may never be shown: 1 to THRESHOLD − 1."""
    return 0 < value < THRESHOLD


def suppress(
    cells: Mapping[Hashable, int],
    relations: Iterable[tuple[Hashable, Iterable[Hashable]]] = (),
    *,
    hide: Iterable[Hashable] = (),
) -> dict[Hashable, int | None]:
    """Every cell (in the order given): its count, or None when it must be hidden. ``hide``
    names cells to hide whatever their count (hidden elsewhere on the page, say). ValueError
    for a negative count, an unknown cell, or a relation that does not add up."""
    values = {name: _count(name, v) for name, v in cells.items()}
    rels = [Relation(total, tuple(parts)) for total, parts in relations]
    for rel in rels:
        missing = [c for c in rel.cells if c not in values]
        if missing:
            raise ValueError(f"relation names unknown cells: {missing!r}")
        if values[rel.total] != sum(values[p] for p in rel.parts):
            raise ValueError(f"{rel.total!r} is not the sum of {list(rel.parts)!r}")
    hidden = {name for name, v in values.items() if small(v)}
    for name in hide:
        if name not in values:
            raise ValueError(f"unknown cell to hide: {name!r}")
        hidden.add(name)
    rank = {name: i for i, name in enumerate(values)}

    def key(cell: Hashable) -> tuple:
        return (values[cell] == 0, values[cell], rank[cell])

    def complement(rel: Relation) -> Hashable | None:
        """The cell to hide beside a relation's hidden ones: the smallest non-zero count
        (a part before an equal total), else the total, else a zero."""
        unhidden = [c for c in rel.cells if c not in hidden]
        nonzero = [c for c in unhidden if values[c] > 0]
        if nonzero:
            return min(nonzero, key=lambda c: (values[c], c == rel.total, rank[c]))
        if rel.total not in hidden:
            return rel.total
        return min(unhidden, key=rank.__getitem__, default=None)

    while True:
        changed = True
        while changed:
            changed = False
            for rel in rels:
                if sum(c in hidden for c in rel.cells) == 1:
                    pick = complement(rel)
                    if pick is not None:
                        hidden.add(pick)
                        changed = True
        found = set(_recoverable(values, rels, hidden))
        if not found:
            break
        near = [complement(r) for r in rels if found.intersection(r.cells)]
        picks = [c for c in near if c is not None] or [
            c for r in rels for c in r.cells if c not in hidden
        ]
        if not picks:  # everything is hidden: what is left to work out can only be 0
            break
        hidden.add(min(picks, key=key))
    return {name: None if name in hidden else v for name, v in values.items()}


def _recoverable(
    cells: Mapping[Hashable, int], relations: Iterable[Relation], hidden: set[Hashable]
) -> list[Hashable]:
    """The hidden cells the shown ones and the relations pin down: those whose unit vector
    lies in the row space of the relations restricted to the hidden cells."""
    unknowns = [c for c in cells if c in hidden]
    column = {c: i for i, c in enumerate(unknowns)}
    rows = []
    for rel in relations:
        row = np.zeros(len(unknowns))
        if rel.total in column:
            row[column[rel.total]] += 1.0
        for part in rel.parts:
            if part in column:
                row[column[part]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    _, singular, vt = np.linalg.svd(np.array(rows))
    kernel = vt[int((singular > _TOL * max(1.0, singular[0])).sum()) :]
    # the distance from e_c to the row space is the length of its projection on the kernel
    return [c for c in unknowns if np.linalg.norm(kernel[:, column[c]]) < _TOL]


def partition(counts: Mapping[str, int], total_label: str = TOTAL) -> dict[str, int | None]:
    """The categories of one field (they must cover everyone: include "Not recorded") and
    their total, last."""
    if total_label in counts:
        raise ValueError(f"{total_label!r} is a category")
    cells = {**counts, total_label: sum(_count(k, v) for k, v in counts.items())}
    return suppress(cells, [(total_label, tuple(counts))])


def several_partitions(
    fields: Mapping[str, Mapping[str, int]], total_label: str = TOTAL
) -> dict[str, dict[str, int | None]]:
    """One total split by several fields shown together (sex, age group, setting, ...): each
    field's categories with the shared total, last. Every field must add up to the same
    total; a cell hidden in one field's table hides nothing it does not have to elsewhere,
    but the shared total is one cell."""
    cells: dict[Hashable, int] = {}
    relations = []
    totals = set()
    for field, counts in fields.items():
        if total_label in counts:
            raise ValueError(f"{total_label!r} is a category of {field!r}")
        cells.update({(field, c): v for c, v in counts.items()})
        relations.append((total_label, tuple((field, c) for c in counts)))
        totals.add(sum(_count(c, v) for c, v in counts.items()))
    if len(totals) > 1:
        raise ValueError(f"the fields add up to different totals: {sorted(totals)}")
    if not fields:
        return {}
    cells[total_label] = totals.pop()
    out = suppress(cells, relations)
    return {
        field: {**{c: out[(field, c)] for c in counts}, total_label: out[total_label]}
        for field, counts in fields.items()
    }


def two_way(table: pd.DataFrame, total_label: str = TOTAL) -> pd.DataFrame:
    """A two-way table of counts (rows × columns, no margins) with a ``total_label`` row and
    column added, as objects: each cell an int or None (hidden)."""
    rows, cols = list(table.index), list(table.columns)
    if total_label in rows or total_label in cols:
        raise ValueError(f"{total_label!r} is already a row or column")
    cells: dict[Hashable, int] = {
        (r, c): _count((r, c), table.at[r, c]) for r in rows for c in cols
    }
    for r in rows:
        cells[(r, total_label)] = sum(cells[(r, c)] for c in cols)
    for c in cols:
        cells[(total_label, c)] = sum(cells[(r, c)] for r in rows)
    grand = (total_label, total_label)
    cells[grand] = sum(cells[(r, total_label)] for r in rows)
    relations = [((r, total_label), tuple((r, c) for c in cols)) for r in rows]
    relations += [((total_label, c), tuple((r, c) for r in rows)) for c in cols]
    relations.append((grand, tuple((r, total_label) for r in rows)))
    relations.append((grand, tuple((total_label, c) for c in cols)))
    out = suppress(cells, relations)
    index, columns = [*rows, total_label], [*cols, total_label]
    frame = pd.DataFrame(
        [[out[(r, c)] for c in columns] for r in index], index=index, columns=columns, dtype=object
    )
    frame.index.name, frame.columns.name = table.index.name, table.columns.name
    return frame


def pair(part: int, whole: int) -> tuple[int | None, int | None]:
    """ "``part`` of ``whole``" (teens with data of those who reached a time point), where
    whole − part is a count too: (part, whole), each None when hidden."""
    rest = _count("whole", whole) - _count("part", part)
    if rest < 0:
        raise ValueError("the part is larger than the whole")
    out = suppress({"part": part, "rest": rest, "whole": whole}, [("whole", ("part", "rest"))])
    return out["part"], out["whole"]


def share(k: int | None, n: int | None) -> bool:
    """Whether k/n may be shown with its n: a percentage and n give away k and n − k, so
    both must be 0 or at least THRESHOLD, and n at least THRESHOLD. None (hidden) is never."""
    if k is None or n is None or n < THRESHOLD or not 0 <= k <= n:
        return False
    return not small(k) and not small(n - k)


def stat_shown(n: int | None) -> bool:
    """Whether a mean or median of a group may be shown: only when the group's n is shown.
    Pass n as it came out of suppression (None when hidden)."""
    return n is not None and n >= THRESHOLD


def show(value: int | None) -> str:
    """The text of one cell: HIDDEN for None, else the number."""
    return HIDDEN if value is None else str(value)


def footnote(*tables: Mapping | pd.DataFrame) -> str:
    """FOOTNOTE when any cell of the tables is hidden, else ""."""
    for table in tables:
        values = table.to_numpy().ravel() if isinstance(table, pd.DataFrame) else table.values()
        if any(v is None for v in values):
            return FOOTNOTE
    return ""


def _count(name: Hashable, value: object) -> int:
    try:
        count = operator.index(value)
    except TypeError:
        raise ValueError(f"{name!r}: a count must be a whole number, not {value!r}") from None
    if count < 0:
        raise ValueError(f"{name!r}: a count cannot be negative ({count})")
    return count
