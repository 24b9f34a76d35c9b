"""Who may see and change what: API keys, roles and the accounts a key may touch.

Roles: ``admin`` may do everything; ``manager`` may read everything (portfolio
views included) and change nothing; ``member`` is bound to a rep and reads and
writes only the accounts on whose team that rep is — anything else behaves as if
it did not exist.

Keys look like ``gcrm_<id>_<secret>``. Only the SHA-256 of the secret is stored
(the secret is 32 random bytes, so a slow hash adds nothing) and it is compared
in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from enum import StrEnum

from pydantic import BaseModel, ValidationError

from graphcrm.audit import Actor
from graphcrm.errors import GraphcrmError, InputError, Issue, NotFound
from graphcrm.model import ApiKey, Rep
from graphcrm.store.port import GraphStore

__all__ = [
    "Role", "Principal", "Forbidden", "create_key", "authenticate", "revoke_key", "scope_of",
    "require_visible", "NO_AUTH",
]


class Role(StrEnum):
    admin = "admin"
    manager = "manager"
    member = "member"


class Forbidden(GraphcrmError):
    """The key's role does not allow this (the thing itself is visible)."""


class Principal(BaseModel):
    """Who is asking: the key's id and name, its role, and its rep for a member."""

    key_id: str
    name: str
    role: Role
    rep_id: str | None = None

    @property
    def can_write(self) -> bool:
        return self.role in (Role.admin, Role.member)

    @property
    def sees_key_entries(self) -> bool:
        """Whether the audit entries about API keys are shown (admins only)."""
        return self.role is Role.admin

    def actor(self, via: str) -> Actor:
        """Who this is in the audit trail: the key's name; for a server without
        authentication (loopback only), the OS user who runs it."""
        if self.key_id == NO_AUTH_ID:
            return Actor.os_user(f"{via} (no auth)")
        return Actor.key(self.name, via)


NO_AUTH_ID = "-"
NO_AUTH = Principal(key_id=NO_AUTH_ID, name="no-auth", role=Role.admin)
"""The principal of a server started with ``--no-auth`` (loopback only)."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(store: GraphStore, role: Role | str, name: str, rep_id: str | None = None,
               now: dt.datetime | None = None, actor: Actor | None = None) -> tuple[str, ApiKey]:
    """Create a key; returns the token (shown once) and the stored record.

    A member key needs a rep; other roles must not have one.
    """
    role = Role(role)
    if role is Role.member and not rep_id:
        raise InputError([Issue("key", None, None, "rep", "a member key needs --rep REP_ID")], "the key")
    if role is not Role.member and rep_id:
        raise InputError([Issue("key", None, None, "rep", "only member keys are bound to a rep")], "the key")
    if rep_id and store.get(Rep, rep_id) is None:
        raise NotFound("rep", rep_id)
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    try:
        key = ApiKey(id=key_id, name=name, role=role.value, rep_id=rep_id, hash=_hash(secret),
                     created=(now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0))
    except ValidationError as e:
        raise InputError([Issue("key", None, None, str(err["loc"][0]), err["msg"]) for err in e.errors()],
                         "the key") from None
    store.put_api_key(key, actor)
    return f"gcrm_{key_id}_{secret}", key


def authenticate(store: GraphStore, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token, else None."""
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != "gcrm" or not key_id or not secret or len(token) > 200:
        return None
    key = store.get_api_key(key_id)
    if key is None or key.revoked is not None:
        _hash(secret)  # same work whether the id exists or not
        return None
    if not hmac.compare_digest(key.hash, _hash(secret)):
        return None
    return Principal(key_id=key.id, name=key.name, role=Role(key.role), rep_id=key.rep_id)


def revoke_key(store: GraphStore, key_id: str, actor: Actor | None = None) -> ApiKey:
    key = store.get_api_key(key_id)
    if key is None:
        raise NotFound("key", key_id)
    if key.revoked is None:
        key = key.model_copy(update={"revoked": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)})
        store.put_api_key(key, actor)
    return key


def scope_of(store: GraphStore, who: Principal) -> list[str] | None:
    """The account ids ``who`` may see: None for every account."""
    if who.role is Role.member:
        return store.team_account_ids(who.rep_id or "")
    return None


def require_visible(scope: list[str] | None, account_id: str | None, kind: str, id: str) -> None:
    """Raise ``NotFound`` (not Forbidden: a member must not learn that it exists)
    when ``account_id`` is outside ``scope``."""
    if scope is not None and account_id not in scope:
        raise NotFound(kind, id)
