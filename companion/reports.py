"""The one-page follow-up report as PDF: the figures shown on screen, with their
denominators, two trend charts, flags and the teen's questions. fpdf2 with a bundled DejaVu
font, so names and notes in any language print; charts through vl-convert."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import vl_convert
from fpdf import FPDF

from . import charts
from .patients import Patient
from .progress import Progress

FONTS = Path(__file__).resolve().parent / "fonts"


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(14, 12, 14)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, gap: float = 5.2):
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, gap, text, new_x="LMARGIN", new_y="NEXT")


_PNGS: dict[tuple[str, str], bytes] = {}


def _png(kind: str, weeks: pd.DataFrame) -> bytes:
    """``charts.<kind>`` of the weekly figures as PNG (~0.35 s each in vl-convert), cached on
    the data, so a report asked for again with nothing new is quick. (Altair names layers
    with a running counter, so the spec differs on every build and can't be the key.)"""
    digest = hashlib.sha256(pd.util.hash_pandas_object(weeks, index=False).values.tobytes())
    key = (kind, digest.hexdigest())
    if key not in _PNGS:
        if len(_PNGS) >= 256:
            _PNGS.clear()
        chart = getattr(charts, kind)(weeks).properties(width=250)
        _PNGS[key] = vl_convert.vegalite_to_png(chart.to_json(validate=False), scale=2)
    return _PNGS[key]


def figures(p: Progress) -> list[tuple[str, str]]:
    """The headline figures, each with its denominator in words (also used on screen)."""
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
    return rows


def followup_pdf(
    p: Progress, patient: Patient, *, programme_name: str, questions: list[dict], today
) -> bytes:
    assert p.period is not None
    pdf = _pdf()
    _line(pdf, f"{programme_name} — follow-up summary", size=14, bold=True, gap=7)
    _line(
        pdf,
        f"{patient.display_name} ({patient.username}) · age {patient.age(today)} · "
        f"{patient.diagnosis_group} · discharged {patient.discharged_on:%-d %b %Y}",
    )
    _line(
        pdf,
        f"Period: {p.period.start:%-d %b %Y} to {p.period.end:%-d %b %Y} ({p.period.days} days)",
    )
    pdf.ln(2)
    for label, value in figures(p):
        _line(pdf, label, bold=True, size=10, gap=5)
        _line(pdf, value, size=9.5, gap=4.8)
    pdf.ln(1)
    _line(pdf, "Flags", bold=True)
    _line(pdf, "; ".join(f.reason for f in p.flags) or "None.", size=9.5)
    y = pdf.get_y() + 2
    if len(p.weeks):
        pdf.image(_png("school", p.weeks), x=14, y=y, w=88)
        pdf.image(_png("exercise", p.weeks), x=108, y=y, w=88)
        pdf.set_y(y + 62)
    _line(pdf, "The teen's questions for this visit", bold=True)
    if questions:
        for q in questions[-8:]:
            _line(pdf, f"{q['day']}: {q['question']}", size=9.5, gap=4.8)
    else:
        _line(pdf, "None in this period.", size=9.5)
    return bytes(pdf.output())
