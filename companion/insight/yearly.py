"""The yearly outcomes report (issue 16): "Programme outcomes, <year>", the figures programmes
publish, in plain words a family can read — as a one- or two-page PDF and as HTML for the
programme's website. Every count goes through the Outcomes page's suppression
(``outcome_tables``), so nothing here shows a group under 11 teens."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from companion import audit
from companion.identity import User
from companion.insight import outcome_tables, outcomes, reports
from companion.insight.outcomes import BY_KEY, Cohort
from companion.insight.suppression import FOOTNOTE, HIDDEN

COLUMNS = ("discharge", "1m", "3m", "6m", "12m")
FAMILY_MEASURES = (
    ("fdi", "Everyday activities (FDI, 0 to 60: lower is better)"),
    ("pain", "Pain (0 to 10, average of the daily scores)"),
    ("school", "School days attended"),
)
EXPLAINED = (
    "The FDI (Functional Disability Inventory) asks how hard 15 everyday things are, such "
    "as walking, chores and school. 0 means no trouble at all and 60 the most; 12 or less "
    "means little or no trouble. At each time point we use the score nearest to it.",
    "Pain is the average of the daily scores (0 to 10) teens gave in the two weeks before "
    "each time point. School counts the school days in the four weeks before, a part day "
    "as half.",
)


@dataclass
class Section:
    heading: str
    sentences: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # a table, when there is one
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Report:
    title: str
    programme: str
    year: int
    sections: list[Section]
    footnote: str


def _mean_only(text: str) -> str:
    """ "23.1 (22.1 to 24.2)" -> "23.1": families read the average; the interval is on the
    Outcomes page."""
    return text.split(" (")[0] if text not in ("", HIDDEN) else (text or "no data")


def build(cohort: Cohort, *, programme_name: str, year: int) -> Report:
    """The report's words and tables for the teens discharged in ``year``."""
    title = f"Programme outcomes, {year}"
    view = outcome_tables.cohort_view(cohort)
    if view.n is None:
        few = Section(
            "Too few teens to report",
            [
                f"Fewer than 11 teens finished the programme in {year}, so no figures are "
                "given: with so few, a teen could be recognised."
            ],
        )
        return Report(title, programme_name, year, [few], "")
    summary = outcomes.cohort_summary(cohort)
    age = summary.age
    who = Section(
        "Who took part",
        [
            f"In {year}, {view.n} teens finished the programme.",
            f"They were {age.mean:.0f} years old on average (from {age.minimum:.0f} to "
            f"{age.maximum:.0f}).",
        ],
    )
    sections = [who]
    for heading in ("Gender identity", "Race and ethnicity"):
        table = view.population[heading]
        rows = [
            [str(r["Group"]), str(r["Teens"]), str(r["%"])]
            for _, r in table.iterrows()
            if r["Teens"] != "0"
        ]
        sections.append(Section(heading, [], ["", "Teens", "Share"], rows))
    header = ["", *(BY_KEY[k].label for k in COLUMNS)]
    rows = []
    for measure, words in FAMILY_MEASURES:
        table, _ = outcome_tables.measure_table(cohort, measure)
        by_point = table.set_index("Time point")
        rows.append(
            [words, *(_mean_only(by_point.loc[BY_KEY[k].label, "Mean (95% CI)"]) for k in COLUMNS)]
        )
        if measure == "fdi":
            rows.append(
                [
                    "Teens with an FDI score",
                    *(by_point.loc[BY_KEY[k].label, "Teens with a value"] for k in COLUMNS),
                ]
            )
            paired = [outcome_tables.paired_count(cohort, "fdi", k) for k in COLUMNS[1:]]
            rows.append(
                [
                    "… with a score at discharge too",
                    "",
                    *(HIDDEN if n is None else str(n) for n in paired),
                ]
            )
    kept, _ = outcome_tables.retention_table(cohort)
    kept = kept.set_index("Time point")
    still = []
    for k in COLUMNS:
        line = kept.loc[BY_KEY[k].label]
        still.append(f"{line['With data']} of {line['Teens who reached it']}")
    rows.append(["Teens still taking part (of those who got there)", *still])
    sections.append(Section("How teens were doing", list(EXPLAINED), header, rows))
    return Report(title, programme_name, year, sections, FOOTNOTE)


def for_year(
    db: Database, user: User | None, *, year: int, today: date, programme_name: str
) -> Report:
    """The report for the teens discharged in ``year`` (a clinician or an admin)."""
    last = min(date(year, 12, 31), today)
    cohort = outcomes.load(db, user, first=date(year, 1, 1), last=last, today=today)
    return build(cohort, programme_name=programme_name, year=year)


def pdf(db: Database, user: User | None, *, year: int, today: date, programme_name: str) -> bytes:
    report = for_year(db, user, year=year, today=today, programme_name=programme_name)
    audit.record(db, user, "export_yearly", detail=f"{year}, PDF")
    return to_pdf(report, today=today)


def web_page(
    db: Database, user: User | None, *, year: int, today: date, programme_name: str
) -> bytes:
    report = for_year(db, user, year=year, today=today, programme_name=programme_name)
    audit.record(db, user, "export_yearly", detail=f"{year}, HTML")
    return to_html(report, today=today).encode()


def to_pdf(report: Report, *, today: date) -> bytes:
    doc = reports._pdf(footer=f"{report.programme} · {report.title} · figures of {today:%-d %B %Y}")
    reports._line(doc, report.title, size=15, bold=True, gap=7)
    reports._line(doc, report.programme, size=10)
    for section in report.sections:
        reports._heading(doc, section.heading)
        for sentence in section.sentences:
            reports._line(doc, sentence)
        if section.rows:
            first = 62 if len(section.header) > 3 else 90
            rest = (reports.WIDTH - first) / (len(section.header) - 1)
            widths = (first, *([rest] * (len(section.header) - 1)))
            reports._table(doc, section.header, section.rows, widths)
    if report.footnote:
        reports._line(doc, report.footnote, size=7.5)
    return bytes(doc.output())


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "color:#1d1d1d;line-height:1.5}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}"
    "th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left}thead th{background:#eef2f6}"
    ".note{font-size:.9rem;color:#444}"
)


def to_html(report: Report, *, today: date) -> str:
    """A page of its own for the programme's website: every text escaped, tables with their
    headers marked for screen readers."""
    e = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report.title)} · {e(report.programme)}</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        f"<h1>{e(report.title)}</h1>",
        f"<p>{e(report.programme)}</p>",
    ]
    for section in report.sections:
        parts.append(f"<h2>{e(section.heading)}</h2>")
        parts += [f"<p>{e(s)}</p>" for s in section.sentences]
        if section.rows:
            head = "".join(f'<th scope="col">{e(h)}</th>' for h in section.header)
            body = "".join(
                "<tr>"
                + f'<th scope="row">{e(row[0])}</th>'
                + "".join(f"<td>{e(c)}</td>" for c in row[1:])
                + "</tr>"
                for row in section.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    if report.footnote:
        parts.append(f'<p class="note">{e(report.footnote)}</p>')
    parts.append(f'<p class="note">Figures of {today:%-d %B %Y}.</p></main></body></html>')
    return "\n".join(parts)
