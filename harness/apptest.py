"""app.py in Streamlit's AppTest, signed in through a real session row.

AppTest (Streamlit 1.67) runs app.py only on the first ``run()``; later runs re-run just the
current page. So a caller that needs app.py's navigation starts a fresh AppTest, and the
pages never rely on app.py having run first (``ui`` looks the user up on every call).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from companion.auth import sessions
from companion.identity import User
from companion.ui import TOKEN_KEY
from harness.server import ROOT


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
