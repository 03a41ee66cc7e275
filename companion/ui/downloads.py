"""Files under ``/media`` go only to the sign-in that made them.

Streamlit keeps downloads and images in memory and serves them at ``/media/<id>.<ext>`` to
whoever has the link. Every file stored is remembered here with the session that stored it:
a file made while a page is drawn belongs to that page's session (its cookie), and a file
made when a deferred download runs belongs to the session of the user it was made for.
``asgi.Guard`` asks ``may_fetch`` before serving one: another signed-in browser with the
link gets 403. (The session must also still be live: ``Guard`` checks that first.)

Streamlit has no hook for this, so ``install`` wraps its in-memory store's
``load_and_get_id`` (the one place a file gets its id); ``tests/browser/test_security.py``
fails if an upgrade changes that.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.scriptrunner import get_script_run_ctx

MAX_FILES = 5_000  # the oldest are forgotten first (Streamlit drops them long before)

_owners: OrderedDict[str, set[str]] = OrderedDict()
_lock = threading.Lock()
_making = threading.local()  # the session a deferred download is being made for
_page_token: Callable[[], str | None] | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def made_for(token: str | None) -> None:
    """Say, inside a deferred download, whose file the next one stored is."""
    _making.token = token


def _owner() -> str | None:
    token = getattr(_making, "token", None)
    if token is None and get_script_run_ctx() is not None and _page_token is not None:
        token = _page_token()  # drawn by a page: that page's session
    return token


def _remember(file_id: str, token: str) -> None:
    with _lock:
        owners = _owners.setdefault(file_id, set())
        owners.add(_hash(token))
        _owners.move_to_end(file_id)
        while len(_owners) > MAX_FILES:
            _owners.popitem(last=False)


def may_fetch(file_id: str, token: str | None) -> bool:
    """Whether the browser holding session ``token`` made the file ``file_id``."""
    if not token:
        return False
    with _lock:
        return _hash(token) in _owners.get(file_id, set())


def install(page_token: Callable[[], str | None]) -> None:
    """Wrap Streamlit's store once per process (``page_token``: this run's session)."""
    global _page_token
    _page_token = page_token
    if getattr(MemoryMediaFileStorage.load_and_get_id, "_companion", False):
        return
    original = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        token = _owner()
        if token:
            _remember(file_id, token)
        _making.token = None
        return file_id

    load_and_get_id._companion = True  # type: ignore[attr-defined]
    MemoryMediaFileStorage.load_and_get_id = load_and_get_id  # type: ignore[method-assign]
