"""Process settings from the environment. Programme settings live in the database."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "companion.db"
CONTENT_DIR = ROOT / "content"

SESSION_COOKIE = "companion_session"
PENDING_COOKIE = "companion_two_step"  # step one of two-step sign-in, five minutes
USERNAME_COOKIE = "companion_signin_name"  # the username typed before a failed sign-in


def db_path() -> Path:
    """The SQLite file: ``COMPANION_DB`` or ``data/companion.db`` beside the code."""
    return Path(os.environ.get("COMPANION_DB") or DEFAULT_DB)


def https() -> bool:
    """Cookies get the Secure flag when the app is served behind HTTPS."""
    return os.environ.get("COMPANION_HTTPS", "") in {"1", "true", "yes"}


def behind_proxy() -> bool:
    """``COMPANION_BEHIND_PROXY=1``: the client's address is the last one the reverse proxy
    added to ``X-Forwarded-For`` (else every sign-in would share the proxy's address)."""
    return os.environ.get("COMPANION_BEHIND_PROXY", "") in {"1", "true", "yes"}


def content_base() -> Path:
    """The one directory the programme's article and questionnaire folders must sit under:
    ``COMPANION_CONTENT_BASE`` or the ``content/`` folder beside the code."""
    return Path(os.environ.get("COMPANION_CONTENT_BASE") or CONTENT_DIR).resolve()


def folder_signature(folder: Path, pattern: str) -> tuple:
    """Changes whenever a file matching ``pattern`` in the folder is added, removed or
    edited: a cache key, so content folders are parsed again only when they change."""
    if not folder.is_dir():
        return ()
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob(pattern))
    )
