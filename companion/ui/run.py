"""One script run: its database connection, the programme's settings and local date, and
who is signed in (looked up on every call, never cached)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st
from sqlite_utils import Database

from companion import config, programme
from companion.auth import sessions
from companion.db import connect, migrations
from companion.identity import User
from companion.ui import downloads

TOKEN_KEY = "session_token"  # a session token held server-side (tests; no cookie needed)


_RUN_DB = "_run_db"  # this run's connection
_DRAWN_FOR = "_drawn_for"  # the id of the user the last page was drawn for (None: signed out)


SIGNED_OUT = (
    "You're no longer signed in (you signed out, your session ended or the account was "
    "turned off), so that wasn't done. Please sign in again."
)


@st.cache_resource(show_spinner=False)
def _migrated(path: str) -> bool:
    """Run migrations once per process per database file."""
    db = connect(path)
    try:
        migrations.apply(db)
    finally:
        db.close()
    return True


def start_run() -> Database:
    """Open this script run's connection (one per run) and forget the last user."""
    st.session_state[_DRAWN_FOR] = None  # set again by require_user if this page has a user
    downloads.install(session_token)  # /media files go only to the session that made them
    path = str(config.db_path())
    _migrated(path)
    # The last run's connection is not closed here: a button drawn by an earlier run (its
    # rerun cut short by the next tap) still holds it in its callback, and that callback runs
    # before this line. It closes itself when nothing refers to it any more.
    database = connect(path)
    st.session_state[_RUN_DB] = database
    results = st.session_state.get("_results")
    if results is not None and results.get("fresh"):  # shown in the run after the action
        results["fresh"] = False
    else:
        st.session_state["_results"] = {"errors": {}, "done": {}, "fresh": False}
    return database


def db() -> Database:
    """This run's connection (opened by ``start_run`` in app.py)."""
    database = st.session_state.get(_RUN_DB)
    return database if database is not None else start_run()


def settings() -> dict:
    return programme.get_settings(db())


def today() -> dt.date:
    """The programme's local date today (never the server's UTC date)."""
    return programme.local_today(settings())


def session_token() -> str | None:
    token = st.session_state.get(TOKEN_KEY)
    if token:
        return token
    cookie = st.context.cookies.get(config.SESSION_COOKIE)
    return cookie if isinstance(cookie, str) else None


def current_user() -> User | None:
    """Looked up on every call (one indexed query), so a revoked session or a deactivated
    account is noticed by the very next page or action, never served from a cache."""
    return sessions.user_for_token(db(), session_token())


def with_db(work: Callable[[Database], object]) -> object:
    """Run ``work`` on a connection of its own (for deferred downloads, which run after the
    script run that drew the button has closed its connection, outside any script run).

    The domain functions a download calls ask ``access`` with the page's ``User``, which
    re-reads its session and account at that moment (``sessions.still_valid``)."""
    database = connect(config.db_path())
    try:
        return work(database)
    finally:
        database.close()
