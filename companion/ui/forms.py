"""The sign-in, two-step and sign-out forms: plain HTML forms that the browser posts to the
/api/auth/... routes (asgi.py), which set and clear the session cookie. Their look is in
house.css."""

from __future__ import annotations

import html
import urllib.parse

import streamlit as st

from companion import config, programme
from companion.auth import csrf
from companion.ui.run import db


def _csrf() -> str:
    return csrf.make_token(programme.secret_key(db()))


def sign_out_form() -> None:
    st.html(
        """<form method="post" action="/api/auth/logout" class="companion-form">
        <button type="submit">Sign out</button></form>"""
    )


def sign_in_form(username: str | None = None) -> None:
    """A plain HTML form: the browser posts it to /api/auth/login, which sets the cookie.
    After a failed try the username typed comes back (a five-minute cookie the route set)."""
    if username is None:
        remembered = st.context.cookies.get(config.USERNAME_COOKIE) or ""
        username = urllib.parse.unquote(remembered)[:64]
    st.html(
        f"""<form method="post" action="/api/auth/login" class="companion-form">
        <input type="hidden" name="csrf" value="{_csrf()}">
        <label for="signin-username">Username</label>
        <input id="signin-username" name="username" autocomplete="username" required
          autocapitalize="none" spellcheck="false" maxlength="64"
          value="{html.escape(username)}">
        <label for="signin-password">Password</label>
        <input id="signin-password" name="password" type="password" required maxlength="256"
          autocomplete="current-password">
        <button type="submit">Sign in</button>
        </form>"""
    )


def two_step_form() -> None:
    """Step two of signing in: posts the code to /api/auth/two-step (the pending cookie says
    whose password was right a moment ago)."""
    st.html(
        f"""<form method="post" action="/api/auth/two-step" class="companion-form">
        <input type="hidden" name="csrf" value="{_csrf()}">
        <label for="two-step-code">Code from your authenticator app, or a recovery code</label>
        <input id="two-step-code" name="code" autocomplete="one-time-code" required
          inputmode="text" autocapitalize="characters" spellcheck="false" maxlength="20">
        <button type="submit">Continue</button>
        </form>"""
    )
