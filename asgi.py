"""Serves app.py through st.App, beside the routes that set and clear the session cookie.

A Streamlit script cannot set a cookie, so the sign-in form is a plain HTML form that the
browser posts here. Run with ``streamlit run asgi.py`` (``make run`` does).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from companion import auth_routes, config

MAX_BODY = 4096


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_BODY:
        return {}
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


def _same_origin(request: Request) -> bool:
    """Reject cross-site posts: the Origin (or Referer) must name this host."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc == request.headers.get("host")


def _redirect(location: str) -> RedirectResponse:
    response = RedirectResponse(location, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


async def login(request: Request) -> Response:
    form = await _form(request)
    if not _same_origin(request):
        return _redirect("/?signin=expired")
    outcome = await run_in_threadpool(
        auth_routes.sign_in, form.get("username", ""), form.get("password", ""), form.get("csrf")
    )
    return _outcome(outcome)


async def two_step(request: Request) -> Response:
    """The second step: the code from the authenticator app, or a recovery code."""
    form = await _form(request)
    if not _same_origin(request):
        return _redirect("/?signin=expired")
    outcome = await run_in_threadpool(
        auth_routes.finish_two_step,
        request.cookies.get(config.PENDING_COOKIE),
        form.get("code", ""),
        form.get("csrf"),
    )
    return _outcome(outcome)


def _outcome(outcome: auth_routes.SignInOutcome) -> Response:
    """Signed in: the session cookie. Second step needed: a five-minute pending cookie."""
    if outcome.token is None:
        response = _redirect(f"/?signin={outcome.problem}")
        if outcome.pending:
            _cookie(response, config.PENDING_COOKIE, outcome.pending, 300)
        else:
            response.delete_cookie(config.PENDING_COOKIE, path="/")
        return response
    response = _redirect("/")
    _cookie(response, config.SESSION_COOKIE, outcome.token, outcome.max_age)
    response.delete_cookie(config.PENDING_COOKIE, path="/")
    return response


def _cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=config.https(),
    )


async def logout(request: Request) -> Response:
    token = request.cookies.get(config.SESSION_COOKIE)
    if _same_origin(request):
        await run_in_threadpool(auth_routes.sign_out, token)
    response = _redirect("/?signed_out=1")
    response.delete_cookie(config.SESSION_COOKIE, path="/", samesite="lax", secure=config.https())
    return response


app = st.App(
    "app.py",
    routes=[
        Route("/api/auth/login", login, methods=["POST"]),
        Route("/api/auth/two-step", two_step, methods=["POST"]),
        Route("/api/auth/logout", logout, methods=["POST"]),
    ],
)
