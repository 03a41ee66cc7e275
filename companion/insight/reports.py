"""The follow-up report as PDF: one page (two when the period needs it) a clinician can file.
Every figure of the follow-up view with its denominator, flags, the exercise table, titled
trend charts whose marks are named, FDI totals, goals, parent checks, the teen's questions
and notes. fpdf2 with a bundled DejaVu font, so names and notes in any language print;
charts through vl-convert."""

from __future__ import annotations

import hashlib
import pickle
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import vl_convert
from fpdf import FPDF
from fpdf.fonts import FontFace

from companion.care import questionnaires
from companion.insight import charts
from companion.insight.metrics import _fmt
from companion.insight.progress import Progress
from companion.people.patients import Patient

FONTS = Path(__file__).resolve().parent / "fonts"
LEFT, TOP, WIDTH = 14, 12, 182  # A4 is 210 mm wide
GAP = 5  # between chart columns
PER_ROW = 3
MAX_NOTES = 20  # newest first; the CSV holds every one


@dataclass
class Written:
    """What people wrote, for the report: each list newest first, as (day label, text)."""

    questions: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    goals: list[tuple[str, str]] = field(default_factory=list)  # (goal, latest status)
    parent_checks: pd.DataFrame = field(default_factory=pd.DataFrame)


class _Report(FPDF):
    """A4 with a footer on every page: who and which period, and the page of how many."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("DejaVu", "", 7.5)
        self.cell(0, 4, f"{self.footer_text} · page {self.page_no()} of {{nb}}", align="R")


def _pdf(footer: str = "") -> FPDF:
    pdf = _Report(format="A4")
    pdf.footer_text = footer
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(LEFT, TOP, LEFT)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, *, size: float = 9, bold: bool = False, gap: float = 4.6):
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, gap, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str, *, room: float = 14) -> None:
    """A section heading, kept on the page with at least ``room`` mm of what follows."""
    if pdf.get_y() + room > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(1.5)
    _line(pdf, text, size=10.5, bold=True, gap=5.5)


def _table(pdf: FPDF, header: list[str], rows: list[list[str]], widths: tuple) -> None:
    pdf.set_font("DejaVu", "", 8)
    pdf.set_draw_color(150)
    with pdf.table(
        col_widths=widths,
        width=WIDTH,
        line_height=4,
        padding=0.8,
        text_align="LEFT",
        headings_style=FontFace(emphasis="BOLD"),
        first_row_as_headings=True,
        repeat_headings=1,
    ) as table:
        for cells in [header, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(str(cell))
    pdf.ln(1)


_PNGS: dict[str, bytes] = {}


def _png(kind: str, *args) -> bytes:
    """``charts.<kind>(*args)`` as PNG (~0.35 s each in vl-convert), cached on the data, so
    a report asked for again with nothing new is quick. (Altair names layers with a running
    counter, so the spec differs on every build and can't be the key.)"""
    key = hashlib.sha256(pickle.dumps((kind, args), protocol=5)).hexdigest()
    if key not in _PNGS:
        if len(_PNGS) >= 256:
            _PNGS.clear()
        chart = getattr(charts, kind)(*args).properties(width=190, height=110)
        _PNGS[key] = vl_convert.vegalite_to_png(chart.to_json(validate=False), scale=2)
    return _PNGS[key]


def _height(png: bytes, width: float) -> float:
    """The printed height of a PNG drawn ``width`` mm wide (from its IHDR header)."""
    w, h = struct.unpack(">II", png[16:24])
    return width * h / w


def _charts(pdf: FPDF, items: list[tuple[str, bytes]]) -> None:
    """Charts three a row, each under its title; the next row starts below the tallest
    one, so nothing prints over an axis."""
    column = (WIDTH - GAP * (PER_ROW - 1)) / PER_ROW
    for pair in (items[i : i + PER_ROW] for i in range(0, len(items), PER_ROW)):
        tallest = max(_height(png, column) for _, png in pair)
        if pdf.get_y() + 10 + tallest > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y() + 1
        below = top
        for n, (title, _) in enumerate(pair):
            pdf.set_xy(LEFT + n * (column + GAP), top)
            pdf.set_font("DejaVu", "B", 8)
            pdf.multi_cell(column, 3.6, title, align="L", new_x="LEFT", new_y="NEXT")
            below = max(below, pdf.get_y())
        for n, (_, png) in enumerate(pair):
            pdf.image(png, x=LEFT + n * (column + GAP), y=below + 0.5, w=column)
        pdf.set_xy(LEFT, below + 0.5 + tallest + 2)


def _weekly(weeks: pd.DataFrame, column: str, scale: str) -> str | None:
    """A weekly mean's latest value, its first, and how many weeks had a score."""
    if column not in weeks:
        return None
    scored = weeks.dropna(subset=[column])
    if not len(scored):
        return f"no {scale} scores in this period"
    last, first = scored.iloc[-1], scored.iloc[0]
    text = f"{last[column]:.1f} {scale} in the week of {last['week']:%-d %b}"
    if len(scored) > 1:
        text += f", from {first[column]:.1f} in the week of {first['week']:%-d %b}"
    return text + f" ({len(scored)} of {len(weeks)} weeks with a score)"


def figures(p: Progress) -> list[tuple[str, str]]:
    """Every figure of the follow-up view, each with its denominator in words."""
    rate = p.checkin_rate
    rows = [
        (
            "Check-in rate",
            "—"
            if rate.value is None
            else f"{rate.value:.0%} ({int(rate.numerator)} of {int(rate.denominator)} days)",
        ),
        ("Exercise adherence", p.adherence.describe()),
        (
            "School attendance",
            ("—" if p.school.rate is None else f"{p.school.rate:.0%}: ") + p.school.describe(),
        ),
    ]
    if p.fdi.latest:
        day, score, band = p.fdi.latest
        change = "" if p.fdi.change is None else f"; {p.fdi.change:+.0f} points since discharge"
        rows.append(("FDI (latest)", f"{score:.0f}, {band.lower()}, on {day:%-d %b %Y}{change}"))
    else:
        rows.append(("FDI (latest)", "No FDI total recorded yet."))
    logged = int(p.weeks["days_logged"].sum()) if len(p.weeks) else 0
    days = p.period.days if p.period else 0
    minutes = int(p.weeks["active_minutes"].sum()) if len(p.weeks) else 0
    rows.append(("Activity", f"{minutes} active minutes on {logged} of {days} days logged"))
    for label, column, scale in (
        ("Pain (weekly average)", "pain_mean", "of 10"),
        ("Mood (weekly average)", "mood_mean", "of 5"),
    ):
        text = _weekly(p.weeks, column, scale)
        if text:
            rows.append((label, text))
    uses = int(p.skills["uses"].sum()) if len(p.skills) else 0
    rows.append(
        (
            "Coping skills",
            f"{uses} uses of {len(p.skills)} skills" if uses else "No coping skills logged.",
        )
    )
    return rows


def followup_pdf(p: Progress, patient: Patient, *, programme_name: str, written: Written, today):
    assert p.period is not None
    pdf = _pdf(f"Patient {patient.id} · {p.period.start:%-d %b %Y} to {p.period.end:%-d %b %Y}")
    _line(pdf, f"{programme_name} — follow-up summary", size=14, bold=True, gap=7)
    _line(
        pdf,
        f"{patient.display_name} ({patient.username}) · age {patient.age(today)} · "
        f"{patient.diagnosis_group} · discharged {patient.discharged_on:%-d %b %Y}",
    )
    _line(
        pdf,
        f"Period: {p.period.start:%-d %b %Y} to {p.period.end:%-d %b %Y} ({p.period.days} days)"
        f" · printed {today:%-d %b %Y}",
    )

    _heading(pdf, "Flags")
    for flag in p.flags:
        _line(pdf, f"• {flag.reason}")
    if not p.flags:
        _line(pdf, "None.")

    _heading(pdf, "Figures for the period")
    _table(
        pdf, ["Measure", "Value (with what it is out of)"], [list(r) for r in figures(p)], (38, 144)
    )

    _heading(pdf, "Exercise adherence per exercise (part sessions count half)")
    if p.adherence.exercises:
        _table(
            pdf,
            ["Exercise", "Adherence", "Done", "Part", "Not done", "Not logged", "Expected"],
            [
                [
                    e.name,
                    "—" if e.rate is None else f"{e.rate:.0%}",
                    e.done,
                    e.part,
                    e.not_done,
                    e.not_logged,
                    _fmt(e.expected),
                ]
                for e in p.adherence.exercises
            ],
            (62, 22, 16, 16, 20, 22, 24),
        )
    else:
        _line(pdf, "No exercises were planned in this period.")

    if len(p.skills):
        _heading(pdf, "Coping skills (most used first)")
        _table(
            pdf,
            ["Skill", "Uses", "Mean helpfulness (0–10)"],
            [
                [
                    r.skill,
                    r.uses,
                    "—" if pd.isna(r.mean_helpfulness) else f"{r.mean_helpfulness:.1f}",
                ]
                for r in p.skills.itertuples()
            ],
            (112, 20, 50),
        )

    _heading(pdf, "Trends, week by week", room=70)
    items = []
    if len(p.weeks):
        if (p.weeks["school_days"] > 0).any():
            items.append(
                (
                    "School: days at school a week (grey tick: school days logged)",
                    _png("school", p.weeks),
                )
            )
        if (p.weeks["exercise_expected"] > 0).any():
            items.append(
                (
                    "Exercise: sessions done a week (grey tick: sessions planned)",
                    _png("exercise", p.weeks),
                )
            )
        items.append(("Activity: active minutes a week", _png("activity", p.weeks)))
    if p.fdi.points:
        items.append(
            (
                "FDI totals since discharge (0–60, lower is better)",
                _png("fdi", list(p.fdi.points), questionnaires.FDI_BANDS),
            )
        )
    for column, title, top in (("pain_mean", "Pain (0–10)", 10), ("mood_mean", "Mood (1–5)", 5)):
        if column in p.weeks and p.weeks[column].notna().any():
            items.append(
                (
                    f"{title.split()[0]}: weekly average {title.split()[1]}",
                    _png("weekly_average", p.weeks, column, title, top),
                )
            )
    if items:
        _charts(pdf, items)
    else:
        _line(pdf, "Nothing logged in this period.")

    _heading(pdf, "Goals")
    if written.goals:
        for goal, status in written.goals:
            _line(pdf, f"{goal} — {status}")
    else:
        _line(pdf, "No goals set.")

    _heading(pdf, "Parent checks beside the teen's logs")
    if len(written.parent_checks):
        frame = written.parent_checks
        _table(
            pdf,
            list(frame.columns),
            [[str(v) for v in row] for row in frame.itertuples(index=False)],
            (18, 18, 20, 20, 20, 22, 40, 24)[: len(frame.columns)],
        )
    else:
        _line(pdf, "No weekly parent checks in this period.")

    _heading(pdf, "The teen's questions for this visit (newest first)")
    if written.questions:
        for day, text in written.questions:
            _line(pdf, f"{day}: {text}")
    else:
        _line(pdf, "None in this period.")

    _heading(pdf, "The teen's notes (newest first)")
    if written.notes:
        for day, text in written.notes[:MAX_NOTES]:
            _line(pdf, f"{day}: {text}")
        if len(written.notes) > MAX_NOTES:
            _line(pdf, f"…and {len(written.notes) - MAX_NOTES} older notes (all are in the CSV).")
    else:
        _line(pdf, "None in this period.")
    return bytes(pdf.output())
