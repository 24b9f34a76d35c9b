"""What every request goes through before a route sees it, outermost first:

1. ``HostCheck``: the ``Host`` header must name this server (``Settings.host_names``):
   a page on a name an attacker points at 127.0.0.1 (DNS rebinding) is refused,
   with or without authentication (400).
2. ``AuthFirst``: a request with a body to a route that needs a key is
   authenticated before its body is read: without a valid key it is 401 at
   once, and a big body costs nothing.
3. ``BodyLimit``: bodies over the limit are 413 — at once when Content-Length
   says so, and however the body was sent otherwise (chunked).
"""

from __future__ import annotations

import ipaddress

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from api import problems
from api.security import SAFE_METHODS, UNAUTHORIZED
from graphcrm.access import authenticate

__all__ = ["HostCheck", "AuthFirst", "BodyLimit", "host_name"]

COOKIE = "graphcrm_key"


def host_name(header: str) -> str:
    """The name in a ``Host`` header, lower case, without port or IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _is_loopback_address(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class HostCheck:
    """Pure ASGI middleware: refuse (400) a request whose ``Host`` is not one of the
    names the settings allow (any loopback address is allowed too)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        allowed = scope["app"].state.settings.host_names()
        name = host_name(Headers(scope=scope).get("host", ""))
        if "*" in allowed or name in allowed or _is_loopback_address(name):
            return await self.app(scope, receive, send)
        shown = name if len(name) <= 100 and name.isprintable() else f"{name[:100]!r}…"
        response = problems.problem(400, f"this server does not answer to the host name {shown!r} "
                                         "(GRAPHCRM_ALLOWED_HOSTS lists the names it answers to)")
        await response(scope, receive, send)


def _token(headers: Headers) -> str | None:
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            return value
    return None


class AuthFirst:
    """Pure ASGI middleware: a state-changing request with a body, to anything
    but the web UI's own forms (which take a key, or none), is authenticated
    before its body is read; without a valid key it is answered 401 at once.
    The principal is left in the request state for ``api.deps.current_key``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS or scope["path"].startswith("/ui/"):
            return await self.app(scope, receive, send)
        app = scope["app"]
        headers = Headers(scope=scope)
        has_body = headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in headers
        if not app.state.settings.auth or not has_body:
            return await self.app(scope, receive, send)
        token = _token(headers)
        who = await run_in_threadpool(authenticate, app.state.store, token) if token else None
        if who is None:
            return await problems.problem(401, UNAUTHORIZED)(scope, receive, send)
        scope.setdefault("state", {})["principal"] = who
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413): at once when Content-Length
    says so, and while reading a body sent without one (chunked). Then whatever the
    route would have answered (a route that reads the body itself gets
    ``BodyTooLarge``; FastAPI's own body parsing would say 400) is replaced by the 413."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        message = f"the body is larger than {self.limit} bytes"
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            return await problems.problem(413, message)(scope, receive, send)
        seen, exceeded, answered = 0, False, False

        async def counted():
            nonlocal seen, exceeded
            received = await receive()
            if received["type"] == "http.request":
                seen += len(received.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise problems.BodyTooLarge(message)
            return received

        async def sent(reply):
            nonlocal answered
            if not exceeded:
                return await send(reply)
            if reply["type"] == "http.response.start" and not answered:
                answered = True
                await problems.problem(413, message)(scope, receive, send)

        await self.app(scope, counted, sent)
