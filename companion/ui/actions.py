"""The action/result protocol. A button's action runs in its callback, before the page is
drawn again, so the page can show an ``InvalidInput`` beside its field, or the action's
result, in the same run; every action first checks that the person it was drawn for is still
signed in and active."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlite_utils import Database

from companion.auth import sessions
from companion.errors import AccessDenied, InvalidInput, NotFound
from companion.identity import User
from companion.ui import downloads
from companion.ui.run import _DRAWN_FOR, SIGNED_OUT, current_user, with_db

_FROM_SESSION = object()


def drawn_for() -> int | None:
    """The user this page is being drawn for (None: a page for people signed out). Bind it
    to a callback when it is made, so the callback checks that user, whatever ran since."""
    return st.session_state.get(_DRAWN_FOR)


def run_action(
    key: str, action: Callable[[], object], drawn_for_id: object = _FROM_SESSION
) -> None:
    """Run an action now (in a widget callback); its result or error shows in the next run.

    ``drawn_for_id`` is the user the button was drawn for, bound when it was drawn: a later
    run cut short (say, one that found the account deactivated and stopped) must not leave
    an older page's button free to act."""
    results: dict = {"errors": {}, "done": {}, "fresh": True}
    st.session_state["_results"] = results
    if drawn_for_id is _FROM_SESSION:
        drawn_for_id = drawn_for()
    if not _still_signed_in(drawn_for_id):
        results["errors"] = {"_form": SIGNED_OUT}
        st.session_state["notice"] = SIGNED_OUT  # the sign-in page, shown next, says why
        return
    try:
        results["done"][key] = action()
    except InvalidInput as problem:
        results["errors"] = {problem.field: problem.message}
    except (AccessDenied, NotFound) as denied:
        results["errors"] = {"_form": str(denied)}


def _still_signed_in(drawn_for_id: object) -> bool:
    """At the moment an action runs: a page drawn for a signed-in user acts only while that
    user's session is live and their account active, both re-read from the database now
    (the page's ``User`` is from when it was drawn). Pages drawn signed out (sign-in, codes,
    first run) have no one to re-check."""
    if drawn_for_id is None:
        return True
    user = current_user()
    return user is not None and user.id == drawn_for_id


def action_button(
    label: str, action: Callable[[], object], *, key: str, primary: bool = True, **kwargs
) -> None:
    st.button(
        label,
        on_click=run_action,
        args=(key, action, drawn_for()),
        key=key,
        type="primary" if primary else "secondary",
        **kwargs,
    )


def field_error(*fields: str) -> None:
    """The message for a field that failed validation in the last action, if any."""
    errors = _results()["errors"]
    for name in fields:
        if name in errors:
            st.error(errors[name], icon=":material/error:")


def form_error() -> None:
    field_error("_form")


def has_errors() -> bool:
    return bool(_results()["errors"])


def done(key: str) -> object | None:
    """What the action behind button ``key`` returned in this run (once)."""
    return _results()["done"].get(key)


def _results() -> dict:
    return st.session_state.get("_results") or {"errors": {}, "done": {}, "fresh": False}


def value(key: str, default: object = None) -> object:
    """A widget's value by key, for use inside actions."""
    return st.session_state.get(key, default)


def deferred_download(user: User, work: Callable[[Database, User], bytes]) -> Callable[[], bytes]:
    """The callable for ``st.download_button(data=...)``: when the person clicks, it checks
    again that ``user``'s session is live and the account active (re-read from the database,
    not the page's copy), then runs ``work``; otherwise AccessDenied and no file."""

    def run() -> bytes:
        def checked(database: Database) -> bytes:
            if not sessions.still_valid(database, user):
                raise AccessDenied(SIGNED_OUT)
            data = work(database, user)
            downloads.made_for(sessions.token_of(user))  # the file is this session's only
            return data

        return with_db(checked)

    return run
