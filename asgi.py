"""Serves app.py through st.App, beside the routes that set and clear the session cookie.

A Streamlit script cannot set a cookie, so the sign-in form is a plain HTML form that the
browser posts here. Run with ``streamlit run asgi.py`` (``make run`` does).

``Guard`` wraps every request: it refuses a websocket upgrade from another origin (a page
elsewhere could otherwise open the app's websocket with the visitor's cookie), adds the
security headers to every response, and serves ``/media`` downloads only to the live
session that made them (``companion/ui/downloads.py``), never cached.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import parse_qs, quote, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request, cookie_parser
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.runtime.pages_manager import PagesManager

from companion import config
from companion.auth import signin
from companion.ui import downloads

# app.py runs first on every page. Streamlit takes a folder named pages/ beside the main
# script for an old-style multipage app until some session's run of app.py reaches
# st.navigation: until then (after every restart) a visitor who opened a link to a page ran
# that page's script alone, without the house style, the sidebar's "Help now" or the role's
# navigation (the sidebar listed every file in pages/), and so did every visitor after them
# until someone opened the root. Set once here, before any session starts.
PagesManager.uses_pages_directory = False

MAX_BODY = 4096


class _TooLarge(Exception):
    pass


async def _form(request: Request) -> dict[str, str]:
    """The posted form, read at most MAX_BODY bytes: a body that says or turns out to be larger
    raises _TooLarge before the rest of it is read."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise _TooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise _TooLarge()
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


def _too_large() -> Response:
    response = PlainTextResponse("That request is too large.", status_code=413)
    response.headers["Connection"] = "close"
    return response


def _origin_is_host(origin: str | None, host: str | None) -> bool:
    if not origin or origin == "null" or not host:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


def _same_origin(request: Request) -> bool:
    """Reject cross-site posts: the Origin (or Referer) must name this host."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    return _origin_is_host(origin, request.headers.get("host"))


def _client(request: Request) -> str | None:
    """The client's address for throttling; behind a proxy, the one the proxy added last."""
    address = request.client.host if request.client else None
    if config.behind_proxy():
        address = request.headers.get("x-forwarded-for", "").split(",")[-1].strip() or address
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is 127.0.0.1
    return str(mapped or ip)


def _redirect(location: str) -> RedirectResponse:
    response = RedirectResponse(location, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


async def login(request: Request) -> Response:
    try:
        form = await _form(request)
    except _TooLarge:
        return _too_large()
    if not _same_origin(request):
        return _redirect("/?signin=expired")
    username = form.get("username", "")
    outcome = await run_in_threadpool(
        lambda: signin.sign_in(
            username, form.get("password", ""), form.get("csrf"), client=_client(request)
        )
    )
    response = _outcome(outcome)
    if outcome.token is None and outcome.problem != "mfa":
        # the sign-in page puts the typed name back in the box (five minutes, this browser)
        _cookie(response, config.USERNAME_COOKIE, quote(username[:64], safe=""), 300)
    else:
        response.delete_cookie(config.USERNAME_COOKIE, path="/")
    return response


async def two_step(request: Request) -> Response:
    """The second step: the code from the authenticator app, or a recovery code."""
    try:
        form = await _form(request)
    except _TooLarge:
        return _too_large()
    if not _same_origin(request):
        return _redirect("/?signin=expired")
    outcome = await run_in_threadpool(
        lambda: signin.finish_two_step(
            request.cookies.get(config.PENDING_COOKIE),
            form.get("code", ""),
            form.get("csrf"),
            client=_client(request),
        )
    )
    return _outcome(outcome)


def _outcome(outcome: signin.SignInOutcome) -> Response:
    """Signed in: the session cookie. Second step needed: a five-minute pending cookie."""
    if outcome.token is None:
        wait = f"&wait={outcome.wait}" if outcome.wait else ""
        response = _redirect(f"/?signin={outcome.problem}{wait}")
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
        await run_in_threadpool(signin.sign_out, token)
    response = _redirect("/?signed_out=1")
    response.delete_cookie(config.SESSION_COOKIE, path="/", samesite="lax", secure=config.https())
    return response


SECURITY_HEADERS = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
HSTS = "max-age=31536000"


def security_headers() -> dict[str, str]:
    headers = dict(SECURITY_HEADERS)
    if config.https():
        headers["strict-transport-security"] = HSTS
    return headers


class Guard:
    """ASGI middleware around the whole app (Streamlit's routes and ours)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            headers = Headers(scope=scope)
            if not _origin_is_host(headers.get("origin"), headers.get("host")):
                # closing before accepting answers the upgrade with HTTP 403
                await receive()
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        media = scope["path"].startswith("/media/")
        added = security_headers()
        if media:
            added["cache-control"] = "no-store"
            cookie = _cookie_value(Headers(scope=scope).get("cookie"), config.SESSION_COOKIE)
            file_id = scope["path"].rsplit("/", 1)[-1].split(".", 1)[0]
            signed_in = await run_in_threadpool(signin.signed_in, cookie)
            if not signed_in or not downloads.may_fetch(file_id, cookie):
                response = PlainTextResponse("Please sign in again to download this.", 403)
                response.headers.update(added)
                await response(scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.encode() for name in added}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                headers += [(k.encode(), v.encode()) for k, v in added.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie_value(header: str | None, name: str) -> str | None:
    return cookie_parser(header).get(name) if header else None


app = st.App(
    "app.py",
    middleware=[Middleware(Guard)],
    routes=[
        Route("/api/auth/login", login, methods=["POST"]),
        Route("/api/auth/two-step", two_step, methods=["POST"]),
        Route("/api/auth/logout", logout, methods=["POST"]),
    ],
)
