"""The article library: teen and parent articles as Markdown with front matter, a programme
folder that adds or replaces articles by slug, what each person has read, and articles
suggested by what happened this week.

Files are parsed safely (YAML SafeLoader through python-frontmatter, a size limit); a bad file
is reported by name and skipped, never fatal. Bodies are plain Markdown that the page shows as
text: ``blocks`` splits a body into headings, paragraphs and lists, and article links
(``[words](article:slug)``) become the words plus a "read next" slug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from sqlite_utils import Database

from companion import access, config
from companion.access import Permission
from companion.care import checkins
from companion.db import stamp, transaction
from companion.errors import InvalidInput
from companion.identity import Role, User
from companion.library.practices import _read, plain_text
from companion.people import family

AUDIENCES = {"teen": "Teens", "parent": "Parents"}
TOPICS = (
    "How pain works",
    "Function first",
    "Coping skills",
    "School",
    "Everyday life",
    "Hard days",
    "Exercise",
    "Family",
    "About IIPT",
)
BUILT_IN = ("teen", "parent")  # folders under content/
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LINK = re.compile(r"\[([^\]]+)\]\(article:([^)\s]*)\)")
MAX_ARTICLES = 500


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    audience: str
    topic: str
    minutes: int
    summary: str
    body: str
    sources: tuple[str, ...]
    reviewed_by: str = ""
    reviewed_on: str = ""
    origin: str = "built-in"  # or "programme"
    public: bool = False  # readable by visitors who are not signed in

    @property
    def links(self) -> tuple[str, ...]:
        """Slugs this article links to, in order, without repeats."""
        return tuple(dict.fromkeys(slug for _, slug in LINK.findall(self.body)))

    @property
    def text(self) -> str:
        """The words a reader sees (for search and reading level)."""
        return plain_text(LINK.sub(r"\1", self.body))


@dataclass(frozen=True)
class Library:
    articles: dict[str, Article]
    problems: tuple[str, ...] = ()

    def get(self, slug: object) -> Article | None:
        return self.articles.get(slug) if isinstance(slug, str) else None

    def public(self) -> Library:
        """Only the articles marked ``public: true``: what a visitor who is not signed in
        reads (they are written for families who are not enrolled yet, and name no one)."""
        return Library({k: a for k, a in self.articles.items() if a.public})


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph", "bullets" or "numbers"
    text: str = ""
    items: tuple[str, ...] = field(default_factory=tuple)


# --- reading files --------------------------------------------------------------------------


def _text(meta: dict, name: str, *, required: bool = True) -> str:
    value = meta.get(name, "")
    if value is None:
        value = ""
    if isinstance(value, date):  # YAML reads 2026-11-25 as a date
        value = value.isoformat()
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"front matter needs a text '{name}'")
    if len(value) > 300:
        raise ValueError(f"'{name}' is longer than 300 characters")
    return value.strip()


def parse_article(path: Path, *, origin: str = "built-in") -> Article:
    """One article file; ValueError says what is wrong with it."""
    post = _read(path)
    meta = post.metadata
    slug = _text(meta, "slug")
    if not SLUG.match(slug) or len(slug) > 80:
        raise ValueError("'slug' must be lowercase letters, digits and single hyphens")
    audience = _text(meta, "audience")
    if audience not in AUDIENCES:
        raise ValueError(f"'audience' must be one of: {', '.join(AUDIENCES)}")
    topic = _text(meta, "topic")
    if topic not in TOPICS:
        raise ValueError(f"'topic' must be one of: {', '.join(TOPICS)}")
    minutes = meta.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 30:
        raise ValueError("'minutes' must be a whole number from 1 to 30")
    sources = meta.get("sources")
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise ValueError("'sources' must be a list of the works the article rests on")
    body = post.content.strip()
    if not body:
        raise ValueError("the article has no text")
    public = meta.get("public", False)
    if not isinstance(public, bool):
        raise ValueError("'public' must be true or false")
    return Article(
        slug=slug,
        title=_text(meta, "title"),
        audience=audience,
        topic=topic,
        minutes=minutes,
        summary=_text(meta, "summary"),
        body=body,
        sources=tuple(s.strip() for s in sources),
        origin=origin,
        public=public,
        **_review(meta),
    )


def _review(meta: dict) -> dict[str, str]:
    """Who reviewed the article for the programme and when: both or neither, and the date a
    real day that has come (a file saying it was reviewed next month is wrong)."""
    when = meta.get("reviewed_on")
    if isinstance(when, date):  # YAML reads an unquoted 2026-11-30 as a date
        when = when.isoformat()
    by = _text(meta, "reviewed_by", required=False)
    when = _text({"reviewed_on": when}, "reviewed_on", required=False)
    if bool(by) != bool(when):
        raise ValueError("'reviewed_by' and 'reviewed_on' go together: fill both or neither")
    if when:
        try:
            day = date.fromisoformat(when)
        except ValueError:
            raise ValueError("'reviewed_on' must be a date written as YYYY-MM-DD") from None
        if day > date.today():
            raise ValueError("'reviewed_on' is a date that has not come yet")
    return {"reviewed_by": by, "reviewed_on": when}


def _load_folder(folder: Path, origin: str) -> tuple[list[Article], list[str]]:
    found: list[Article] = []
    problems: list[str] = []
    paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
    for path in paths[:MAX_ARTICLES]:
        try:
            found.append(parse_article(path, origin=origin))
        except (ValueError, TypeError, yaml.YAMLError, UnicodeDecodeError, OSError) as error:
            problems.append(f"{path.name}: {error}")
    if len(paths) > MAX_ARTICLES:
        problems.append(f"{folder}: only the first {MAX_ARTICLES} files were read")
    return found, problems


@cache
def _built_in(root: Path) -> tuple[tuple[Article, ...], tuple[str, ...]]:
    articles: list[Article] = []
    problems: list[str] = []
    for name in BUILT_IN:
        found, bad = _load_folder(root / name, "built-in")
        articles += found
        problems += bad
    return tuple(articles), tuple(problems)


@cache
def _programme(folder: Path, signature: tuple) -> tuple[tuple[Article, ...], tuple[str, ...]]:
    found, problems = _load_folder(folder, "programme")
    return tuple(found), tuple(problems)


def load_library(
    programme_folder: str | Path | None = None, *, root: Path | None = None
) -> Library:
    """The shipped articles, then the programme's folder: a file there adds an article, or
    replaces the shipped one with the same slug. Problems name the file and what is wrong.
    Links to slugs that don't exist are reported too (the words still show, without a link).
    """
    articles: dict[str, Article] = {}
    built, problems = _built_in(root or config.CONTENT_DIR)
    problems = list(problems)
    for article in built:
        articles[article.slug] = article
    if programme_folder:
        folder = Path(programme_folder)
        extra, bad = _programme(folder, config.folder_signature(folder, "*.md"))
        problems += [f"programme folder: {p}" for p in bad]
        for article in extra:
            articles[article.slug] = article
    for article in articles.values():
        missing = [s for s in article.links if s not in articles]
        if missing:
            problems.append(f"{article.slug}: links to missing article(s) {', '.join(missing)}")
    return Library(dict(sorted(articles.items())), tuple(problems))


# --- showing an article -------------------------------------------------------------------

_ITEM = re.compile(r"^\s*(?:[-*]|\d+[.)])\s+")


def blocks(body: str) -> list[Block]:
    """The body as headings, paragraphs and lists of plain text (links become their words)."""
    body = LINK.sub(r"\1", body)
    result: list[Block] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [line for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].lstrip().startswith("#"):
            result.append(Block("heading", _plain(lines[0].lstrip().lstrip("#"))))
            lines = lines[1:]
            if not lines:
                continue
        if all(_ITEM.match(line) or line.startswith((" ", "\t")) for line in lines) and (
            _ITEM.match(lines[0])
        ):
            items: list[str] = []
            for line in lines:
                if _ITEM.match(line):
                    items.append(_plain(_ITEM.sub("", line)))
                else:  # a wrapped item continues on an indented line
                    items[-1] += " " + _plain(line)
            kind = "numbers" if re.match(r"^\s*\d", lines[0]) else "bullets"
            result.append(Block(kind, items=tuple(items)))
        else:
            result.append(Block("paragraph", " ".join(_plain(line) for line in lines)))
    return result


def _plain(text: str) -> str:
    return re.sub(r"\*\*|__|`", "", text).strip()


def filter_articles(
    library: Library, *, audience: str | None = None, topic: str | None = None, query: str = ""
) -> list[Article]:
    """Articles for an audience and topic whose title, summary or text hold every word of
    the query (any case). None means any."""
    words = [w for w in re.split(r"\W+", str(query or "").casefold()) if w][:20]
    found = []
    for article in library.articles.values():
        if audience and article.audience != audience:
            continue
        if topic and article.topic != topic:
            continue
        haystack = f"{article.title} {article.summary} {article.text}".casefold()
        if all(w in haystack for w in words):
            found.append(article)
    return sorted(found, key=lambda a: (TOPICS.index(a.topic), a.title))


def default_audience(user: User) -> str | None:
    return {Role.TEEN: "teen", Role.PARENT: "parent"}.get(user.role)


# --- what has been read ---------------------------------------------------------------------


def mark_read(db: Database, user: User, slug: str, *, read: bool = True) -> None:
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 80:
        raise InvalidInput("article", "No such article.")
    with transaction(db):
        if read:
            db.execute(
                "INSERT INTO article_reads (user_id, slug, read_at) VALUES (?, ?, ?)"
                " ON CONFLICT(user_id, slug) DO UPDATE SET read_at = excluded.read_at",
                [user.id, slug, stamp()],
            )
        else:
            db.execute("DELETE FROM article_reads WHERE user_id = ? AND slug = ?", [user.id, slug])


def read_slugs(db: Database, user: User) -> set[str]:
    return {
        r["slug"] for r in db.query("SELECT slug FROM article_reads WHERE user_id = ?", [user.id])
    }


# --- suggestions ----------------------------------------------------------------------------

SHORT_NIGHT_HOURS = 7  # below the 8–10 hours teens need (docs/clinical-sources.md, AASM)
SHORT_NIGHTS = 2  # in the last 7 days
PAIN_SPIKE_POINTS = 2  # above the mean of the 14 days before


@dataclass(frozen=True)
class Suggestion:
    slug: str
    why: str


def teen_reasons(rows: pd.DataFrame, today: date) -> list[Suggestion]:
    """What the teen's last 7 days suggest reading: short nights → sleep, missed school →
    back to school, a pain spike (2+ points above the 14 days before) → hard days."""
    week = rows[(rows["day"] > today - timedelta(days=7)) & (rows["day"] <= today)]
    found: list[Suggestion] = []
    short = int((week["sleep_hours"].dropna() < SHORT_NIGHT_HOURS).sum())
    if short >= SHORT_NIGHTS:
        found.append(
            Suggestion(
                "sleep",
                f"You logged under {SHORT_NIGHT_HOURS} hours of sleep on {short} nights this week.",
            )
        )
    missed = int(week["school"].isin(["absent_pain", "absent_other"]).sum())
    if missed:
        days = "day" if missed == 1 else "days"
        found.append(Suggestion("back-to-school", f"You missed {missed} school {days} this week."))
    before = rows[
        (rows["day"] > today - timedelta(days=21)) & (rows["day"] <= today - timedelta(days=7))
    ]
    usual = before["pain"].dropna()
    peak = week["pain"].dropna()
    if len(usual) >= 3 and len(peak) and peak.max() >= usual.mean() + PAIN_SPIKE_POINTS:
        found.append(Suggestion("hard-days", "Your pain went up this week. Hard days pass."))
    return found


def suggestions(db: Database, user: User, library: Library, today: date) -> list[Suggestion]:
    """Articles suggested from the signed-in person's own data, unread ones first. Teens: their
    last week of check-ins. Parents: the coaching tip for each linked teen's week (function
    only, never pain or mood)."""
    from companion.insight import metrics, progress

    found: list[Suggestion] = []
    if user.role is Role.TEEN:
        mine = access.visible_patients(db, user)
        if mine:
            found = teen_reasons(checkins.checkins_frame(db, mine[0].id), today)
    elif user.role is Role.PARENT:
        for patient in access.visible_patients(db, user):
            access.require(db, user, Permission.VIEW_FUNCTION, patient.id)
            start = metrics.week_start(today)
            p = progress.load(
                db, patient, start=start, end=today, today=today, pain=False, mood=False
            )
            tip = family.coaching(family.this_week(p.weeks, today))
            if tip.article:
                found.append(Suggestion(tip.article, f"{patient.display_name}: {tip.title}."))
    read = read_slugs(db, user)
    seen: set[str] = set()
    result = []
    for s in sorted(found, key=lambda s: s.slug in read):
        if s.slug in library.articles and s.slug not in seen:
            seen.add(s.slug)
            result.append(s)
    return result[:3]
