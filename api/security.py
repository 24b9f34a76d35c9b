"""Browser-facing defences: security headers with a Content-Security-Policy on every
response, the same-origin check of state-changing requests that a cookie
authenticates (CSRF), and whether the sign-in cookie must be ``Secure``.

CSP, by kind of response (the graph pages set their own, see ``graph_csp``):

- API responses (JSON, problems): ``default-src 'none'; frame-ancestors 'none'``.
- Web UI pages: scripts from this origin only (``/ui/static/ui.js``, which
  helps find entries of long pick lists; nothing inline), styles inline, frames
  (the graph pages) from this origin only, forms post to this origin only.
- Graph pages: the two inline scripts (vis-network and the page's own) by their
  SHA-256 hashes, nothing remote; framed by this origin only (the UI embeds them).
- ``/docs`` and ``/redoc``: Swagger UI / ReDoc, served from the package
  (``fastapi-offline``, no CDN); their start-up scripts are inline, so scripts from
  this origin and inline, and nothing remote.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from viz.page import page_csp

__all__ = ["SecurityHeaders", "graph_csp", "same_origin", "secure_cookie", "SAFE_METHODS", "API_HEADERS",
           "UNAUTHORIZED"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UNAUTHORIZED = "a valid API key is required (Authorization: Bearer …)"

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
UI_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "frame-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; worker-src blob:; base-uri 'none'; object-src 'none'; "
            "frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # not no-referrer: Chromium then sends "Origin: null" with form posts
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

API_HEADERS = {**COMMON, "content-security-policy": API_CSP, "x-frame-options": "DENY"}
"""For the 500 problem, which Starlette answers outside every middleware of the app."""


def graph_csp(html: str) -> str:
    """The CSP of a graph page (``viz.page.page_csp``: its own two scripts by hash),
    framed by this origin only: the web UI embeds the pages."""
    return page_csp(html) + "; frame-ancestors 'self'"


class SecurityHeaders:
    """Pure ASGI middleware: the headers above on every HTTP response (errors too);
    a ``Content-Security-Policy`` or ``X-Frame-Options`` a route set itself is kept."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.decode("latin-1").lower() for k, _ in headers}
                ctype = next((v.decode("latin-1") for k, v in headers if k.lower() == b"content-type"), "")
                if path.startswith(DOCS_PATHS):
                    csp = DOCS_CSP
                elif ctype.startswith("text/html"):
                    csp = UI_CSP
                else:
                    csp = API_CSP
                extra = dict(COMMON)
                extra["content-security-policy"] = csp
                extra["x-frame-options"] = "DENY"
                headers += [(k.encode(), v.encode()) for k, v in extra.items() if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _netloc(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.netloc.lower()


def same_origin(request: Request) -> bool:
    """Whether a state-changing request may come from a page of this server.

    Refused: ``Sec-Fetch-Site`` other than same-origin/none, an ``Origin`` (or, without
    one, a ``Referer``) naming another host, or ``Origin: null``. Browsers send
    ``Origin`` with every form POST; a request with neither header does not come
    from a browser form (curl, scripts) and is let through — the cookie is
    SameSite=Strict as well.
    """
    host = request.headers.get("host", "").lower()
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is not None:
        return _netloc(origin) == host
    referer = request.headers.get("referer")
    if referer is not None:
        return _netloc(referer) == host
    return True


def secure_cookie(request: Request) -> bool:
    """Served over HTTPS: directly, or (with ``GRAPHCRM_TRUST_PROXY=true``) as the
    reverse proxy says in ``X-Forwarded-Proto``."""
    if request.url.scheme == "https":
        return True
    if getattr(request.app.state.settings, "trust_proxy", False):
        proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        return proto == "https"
    return False
