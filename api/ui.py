"""What every web UI route shares: the templates, who is signed in, and the
defences of its forms.

Sign-in turns an API key into an HttpOnly, SameSite=Strict cookie. A form post
must come from a page of this site (``same_origin``) and carry the form's
anti-CSRF token: an HMAC of the sign-in cookie (of a secret of this server
without authentication), which a page of another site can neither read nor
compute.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.security import same_origin
from graphcrm.access import NO_AUTH, Forbidden, Principal, authenticate
from graphcrm.model import DEPTH_NAMES, STANCE_NAMES
from graphcrm.store import GraphStore

__all__ = ["templates", "COOKIE", "signed_in", "page", "ui_principal", "csrf_token", "check_form", "local_next"]

COOKIE = "graphcrm_key"
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
templates.env.globals.update(DEPTH_NAMES=DEPTH_NAMES, STANCE_NAMES=STANCE_NAMES)


def signed_in(request: Request, store: GraphStore) -> Principal | None:
    """The principal of the sign-in cookie (every caller on a server without keys)."""
    if not request.app.state.settings.auth:
        return NO_AUTH
    token = request.cookies.get(COOKIE)
    return authenticate(store, token) if token else None


def ui_principal(request: Request, store: GraphStore) -> Principal | Response:
    """The signed-in principal, or the redirect to the sign-in page."""
    who = signed_in(request, store)
    return who if who is not None else RedirectResponse("/ui/login", status_code=303)


def csrf_token(request: Request) -> str:
    """The anti-CSRF token of the forms this browser is shown."""
    secret = request.cookies.get(COOKIE, "") if request.app.state.settings.auth else ""
    key = secret.encode() or request.app.state.form_secret
    return hmac.new(key, b"graphcrm form", hashlib.sha256).hexdigest()


def check_form(request: Request, token: str | None) -> None:
    """Refuse (403) a form post from another site, or without this browser's token."""
    if not same_origin(request):
        raise Forbidden("cross-site form posts are refused")
    if token is None or not hmac.compare_digest(token, csrf_token(request)):
        raise Forbidden("this form is out of date or came from another site: reload the page and try again")


def page(request: Request, name: str, who: Principal | None, status_code: int = 200, **context) -> HTMLResponse:
    """A web UI page; forms on it get this browser's anti-CSRF token."""
    return templates.TemplateResponse(request, name, {"who": who, "csrf": csrf_token(request), **context},
                                      status_code=status_code)


def local_next(value: str | None, default: str) -> str:
    """Where to go after a form: a path of this web UI only (never another site)."""
    if not value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/ui/") or "\\" in value or "//" in parts.path:
        return default
    return value
