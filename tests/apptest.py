"""Helpers for driving the real app.py through Streamlit's AppTest.

AppTest (Streamlit 1.67) runs app.py only on the first ``run()``; later runs re-run just the
current page. So every test that needs app.py's navigation starts a fresh AppTest, and the
pages never rely on app.py having run first (``ui`` looks the user up on every call).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from companion.auth import sessions
from companion.identity import User
from companion.ui import TOKEN_KEY
from tests.conftest import ROOT


def app(user: User | None = None, db=None, *, page: str | None = None, **query) -> AppTest:
    """app.py, signed in as ``user`` (a real session row), optionally on ``page``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if user is not None:
        at.session_state[TOKEN_KEY] = sessions.create(db, user)
    for key, value in query.items():
        at.query_params[key] = str(value)
    at.run()
    if page is not None:
        at.switch_page(page)
        for key, value in query.items():
            at.query_params[key] = str(value)
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything a person could read on the page, as one string."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "text",
        "caption",
        "success",
        "info",
        "warning",
        "error",
        "code",
    ):
        parts += [str(e.value) for e in at.get(kind)]
    for kind in ("text_input", "selectbox", "button", "tabs"):
        parts += [str(getattr(e, "label", "")) for e in at.get(kind)]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    parts += [e.proto.label for e in at.get("page_link")]
    parts += [str(getattr(e, "proto", "")) for e in at.get("html")]
    return "\n".join(parts)
