"""Written content: guided practices (and, later, articles) as Markdown with front matter.

Files are parsed safely (YAML SafeLoader, size limit); a bad file is reported, never fatal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import frontmatter
import yaml

from companion import config

MAX_FILE_BYTES = 100_000


@dataclass(frozen=True)
class Practice:
    key: str
    title: str
    skill: str
    minutes: int
    summary: str
    body: str
    sources: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    pacer: dict = field(default_factory=dict)


def _read(path: Path) -> frontmatter.Post:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError("the file is larger than 100 kB")
    return frontmatter.loads(path.read_text(encoding="utf-8"))


def _practice(path: Path) -> Practice:
    post = _read(path)
    meta = post.metadata
    for name in ("key", "title", "skill", "summary"):
        if not isinstance(meta.get(name), str) or not meta[name].strip():
            raise ValueError(f"front matter needs a text '{name}'")
    pacer = meta.get("pacer") or {}
    if not isinstance(pacer, dict) or not all(
        isinstance(v, int) and 0 <= v <= 20 for v in pacer.values()
    ):
        raise ValueError("'pacer' must map inhale/hold/exhale/rounds to small whole numbers")
    return Practice(
        key=meta["key"],
        title=meta["title"],
        skill=meta["skill"],
        minutes=int(meta.get("minutes") or 3),
        summary=meta["summary"],
        body=post.content.strip(),
        sources=tuple(str(s) for s in meta.get("sources") or ()),
        prompts=tuple(str(p) for p in meta.get("prompts") or ()),
        pacer=dict(pacer),
    )


@cache
def load_practices(folder: Path | None = None) -> tuple[tuple[Practice, ...], tuple[str, ...]]:
    """Every practice in ``content/practices`` and the problems found in bad files."""
    folder = folder or config.CONTENT_DIR / "practices"
    found: list[Practice] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            found.append(_practice(path))
        except (ValueError, TypeError, yaml.YAMLError, UnicodeDecodeError) as error:
            problems.append(f"{path.name}: {error}")
    return tuple(found), tuple(problems)


def practice_for_skill(skill: str) -> Practice | None:
    """The guided practice that goes with a coping skill, matched without case."""
    practices, _ = load_practices()
    return next((p for p in practices if p.skill.lower() == skill.lower()), None)


def plain_text(markdown: str) -> str:
    """The words of a Markdown body, without its syntax (for reading-level checks)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"^\s*(#+|[-*]|\d+\.)\s*", "", text, flags=re.M)
    return re.sub(r"[*_`>]", "", text)


@dataclass(frozen=True)
class PacerStep:
    """What the breathing pacer shows ``elapsed`` whole seconds after it started."""

    word: str  # "Breathe in", "Hold" or "Breathe out"
    count: int  # the second within that phase, from 1
    round: int  # from 1
    rounds: int
    done_fraction: float  # of the whole run, for the progress bar


def pacer_step(pacer: dict, elapsed: int) -> PacerStep | None:
    """The pacer's phase and count at ``elapsed`` seconds; None once every round is done.
    Defaults: in 4, hold 0, out 6, 6 rounds."""
    inhale, hold = pacer.get("inhale", 4), pacer.get("hold", 0)
    exhale, rounds = pacer.get("exhale", 6), pacer.get("rounds", 6)
    cycle = inhale + hold + exhale
    if cycle <= 0 or elapsed < 0 or elapsed >= cycle * rounds:
        return None
    second = elapsed % cycle
    if second < inhale:
        word, count = "Breathe in", second + 1
    elif second < inhale + hold:
        word, count = "Hold", second - inhale + 1
    else:
        word, count = "Breathe out", second - inhale - hold + 1
    return PacerStep(word, count, elapsed // cycle + 1, rounds, (elapsed + 1) / (cycle * rounds))
