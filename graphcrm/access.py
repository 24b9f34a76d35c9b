"""Who may see and change what: API keys, roles, and every rule the routes apply.

Roles: ``admin`` may do everything; ``manager`` may read everything (portfolio
views included) and change nothing; ``member`` is bound to a rep and reads and
writes only the accounts on whose team that rep is — anything else behaves as if
it did not exist (404, the same answer as for an id that names nothing).

What a member may change (SECURITY.md holds the promises):

- records of their accounts: units, contacts, bids, activities, agreements are
  created with ``create_record`` (the server assigns the id: an id a member
  chooses could tell them that it is taken elsewhere) and changed with
  ``put_record`` only while they can see them; relationships, influences and bid
  roles (keyed by their ends) are created and changed with ``put_record``;
- their accounts' own fields, but not an account's parent (the hierarchy), and
  they neither create nor delete accounts;
- never reps and never account teams: a team decides who sees an account, so
  only an admin changes one.

A member sees a rep only when the rep is on the team of one of their accounts,
and may name only such reps in what they write (or reps the record already
names); an account's parent only when they can see the parent.

Keys look like ``gcrm_<id>_<secret>``. Only the SHA-256 of the secret is stored
(the secret is 32 random bytes, so a slow hash adds nothing) and it is compared
in constant time. A member key works only while its rep exists and is active;
deleting a rep revokes its keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from graphcrm import services
from graphcrm.audit import Actor, AuditEntry, kind_of
from graphcrm.editing import Conflict, matches, merge_patch
from graphcrm.errors import GraphcrmError, InputError, Issue, NotFound
from graphcrm.model import ApiRole, Account, ApiKey, Record, Rep, TeamMember
from graphcrm.importer import named_ids
from graphcrm.schema import target
from graphcrm.store.port import GraphStore

__all__ = [
    "Role", "Principal", "Forbidden", "Scope", "create_key", "authenticate", "revoke_key", "revoke_rep_keys",
    "scope_of", "require_visible", "visible_record", "check_visible", "visible_rep", "visible_reps",
    "may_write", "may_export", "require_admin", "require_writer", "sees_entry", "shown", "shown_entry", "put_record", "create_record",
    "delete_record", "patch_record", "validated", "visible_list", "visible_entries", "new_id", "NO_AUTH",
]

Scope = list[str] | None
"""The account ids a principal may see; None: every account."""


Role = ApiRole
"""The roles of API keys (declared once, in ``graphcrm.model``)."""


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


# --- keys ---------------------------------------------------------------------------


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
    """The principal of a valid, unrevoked token, else None. A member's token is
    valid only while its rep exists and is active."""
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
    if key.role == Role.member:
        rep = store.get(Rep, key.rep_id or "")
        if rep is None or not rep.active:
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


def revoke_rep_keys(store: GraphStore, rep_id: str, actor: Actor | None = None) -> list[ApiKey]:
    """Revoke every key bound to a rep (before the rep is deleted: a new rep that
    gets the same id later must not inherit them)."""
    return [revoke_key(store, k.id, actor) for k in store.api_keys() if k.rep_id == rep_id and k.revoked is None]


# --- what a principal may see ---------------------------------------------------------


def scope_of(store: GraphStore, who: Principal) -> Scope:
    """The account ids ``who`` may see: None for every account."""
    if who.role is Role.member:
        return store.team_account_ids(who.rep_id or "")
    return None


def require_visible(scope: Scope, account_id: str | None, kind: str, id: str) -> None:
    """Raise ``NotFound`` (not Forbidden: a member must not learn that it exists)
    when ``account_id`` is outside ``scope``."""
    if scope is not None and account_id not in scope:
        raise NotFound(kind, id)


def visible_reps(store: GraphStore, scope: Scope) -> set[str] | None:
    """The reps on the team of an account in ``scope`` (None: every rep)."""
    if scope is None:
        return None
    return {t.rep_id for t in store.page(TeamMember, scope, limit=2**31)[0]}


def visible_rep(store: GraphStore, scope: Scope, rep_id: str) -> None:
    """Raise ``NotFound`` for a rep on no team of an account in ``scope``."""
    if scope is not None and not set(store.team_account_ids(rep_id)) & set(scope):
        raise NotFound("rep", rep_id)


def check_visible(store: GraphStore, scope: Scope, record: Record) -> None:
    """Raise ``NotFound`` for a record whose account (for a rep: whose teams) is
    outside ``scope``."""
    if isinstance(record, Rep):
        visible_rep(store, scope, record.id)
    else:
        require_visible(scope, store.account_of(record), kind_of(type(record)), "/".join(record.key))


def visible_record(store: GraphStore, scope: Scope, record_type: type[Record], key: Sequence[str] | str) -> Record:
    """The stored record with that key if ``scope`` may see it; else ``NotFound``,
    the same whether it exists or not."""
    key = (key,) if isinstance(key, str) else tuple(key)
    record = store.get(record_type, key)
    if record is None:
        raise NotFound(kind_of(record_type), "/".join(key))
    check_visible(store, scope, record)
    return record


def shown(scope: Scope, record: Record) -> Record:
    """A visible record as ``scope`` is shown it: an account's parent only when the
    parent is visible too."""
    if isinstance(record, Account) and scope is not None and record.parent_id not in (None, *scope):
        return record.model_copy(update={"parent_id": None})
    return record


def shown_entry(scope: Scope, entry: AuditEntry) -> AuditEntry:
    """An audit entry as ``scope`` is shown it: an account's parent only when visible."""
    if scope is None or entry.kind != kind_of(Account):
        return entry
    hide = {"before": entry.before, "after": entry.after}
    for side, values in hide.items():
        if values and values.get("parent_id") not in (None, *scope):
            hide[side] = {k: v for k, v in values.items() if k != "parent_id"}
    return entry.model_copy(update=hide)


# --- what a principal may change -------------------------------------------------------


def may_write(who: Principal, record_type: type[Record], action: str) -> None:
    """Raise ``Forbidden`` unless ``who`` may ``action`` (create, change, delete)
    records of that type at all. The answer depends on the role and the type,
    never on an id, so it tells nobody what exists."""
    require_writer(who)
    if who.role is Role.admin:
        return
    if record_type is Rep:
        raise Forbidden("only an admin key may change reps")
    if record_type is TeamMember:
        raise Forbidden("only an admin key may change account teams (they decide who sees an account)")
    if record_type is Account and action != "change":
        raise Forbidden("only an admin key may create or delete accounts")


def require_writer(who: Principal) -> None:
    """Raise ``Forbidden`` for a key that may change nothing (a manager's)."""
    if not who.can_write:
        raise Forbidden("a manager key can read but not change anything")


def require_admin(who: Principal) -> None:
    """Raise ``Forbidden`` unless ``who`` is an admin (imports, API keys)."""
    if who.role is not Role.admin:
        raise Forbidden("this needs an admin key")


def may_export(who: Principal) -> None:
    """Raise ``Forbidden`` for a member: an export holds every account."""
    if who.role is Role.member:
        raise Forbidden("export needs an admin or manager key")


def sees_entry(who: Principal, entry: AuditEntry) -> bool:
    """Whether an export for ``who`` holds the entry: those about API keys only for admins."""
    return who.sees_key_entries or entry.kind != kind_of(ApiKey)


def _reps_named(record: Record | None) -> set[str]:
    """The reps a record names in its references (``schema``: those whose target is a rep)."""
    if record is None:
        return set()
    return {r for ref in type(record).REFS if target(ref) is Rep for ids in named_ids([record], ref.field)
            for r in ids}


def _save(store: GraphStore, who: Principal, scope: Scope, record: Record, old: Record | None, via: str) -> None:
    """Check and write one record (``services.save``) within what ``scope`` may name:
    its accounts, the reps of their teams, and what the stored record already names."""
    accounts, reps = scope, visible_reps(store, scope)
    if scope is not None and old is not None:
        reps = reps | (_reps_named(old) & _reps_named(record))
        if isinstance(old, Account) and old.parent_id is not None:
            accounts = [*scope, old.parent_id]  # kept as it was (members do not change parents)
    services.save(store, record, accounts, who.actor(via), reps=reps)


def _check_version(scope: Scope, record_type: type[Record], key: tuple[str, ...], old: Record | None,
                   if_match: str | None) -> None:
    """Raise ``Conflict`` when ``if_match`` is given and the record as ``scope`` is
    shown it has another version now (or is gone)."""
    now = None if old is None else shown(scope, old)
    if if_match is not None and not matches(if_match, now):
        raise Conflict(kind_of(record_type), "/".join(key), now)


def _invalid(e: ValidationError) -> InputError:
    return InputError([Issue("body", None, None, ".".join(map(str, err["loc"])) or None, err["msg"])
                       for err in e.errors(include_url=False)], "the request")


def validated(record_type: type[Record], fields: dict[str, Any]) -> Record:
    """A record from a request's fields, or ``InputError`` naming each bad field."""
    try:
        return record_type.model_validate(fields)
    except ValidationError as e:
        raise _invalid(e) from None


def put_record(store: GraphStore, who: Principal, scope: Scope, key: tuple[str, ...], body: Record,
               if_match: str | None = None, via: str = "api PUT", only_new: bool = False) -> Record:
    """``PUT``: create or replace the record with that key (as shown to ``scope``).

    A member replaces only records they can see, and creates only records keyed
    by their ends (relationships, influences, bid roles); for any other key that
    they cannot see — taken or not — the answer is the same 404. With
    ``if_match`` (an ``etag``), only the version the caller read is replaced
    (``Conflict`` otherwise); with ``only_new`` (``If-None-Match: *``), only a
    record that is not there yet is written.
    """
    record_type = type(body)
    may_write(who, record_type, "change")
    if body.key != key:
        raise InputError([Issue("body", None, None, ",".join(body.KEY),
                                f"{'/'.join(body.key)!r} does not match the URL ({'/'.join(key)!r})")], "the request")
    with store.exclusive():
        old = store.get(record_type, key)
        if old is not None:
            check_visible(store, scope, old)
        elif scope is not None and record_type.KEY == ("id",):
            raise NotFound(kind_of(record_type), "/".join(key))  # members create with POST (create_record)
        _check_version(scope, record_type, key, old, if_match)
        if only_new and old is not None:
            raise Conflict(kind_of(record_type), "/".join(key), shown(scope, old))
        return _replace(store, who, scope, body, old, via)


def patch_record(store: GraphStore, who: Principal, scope: Scope, record_type: type[Record],
                 key: tuple[str, ...], patch: dict[str, Any], if_match: str | None = None,
                 via: str = "api PATCH") -> Record:
    """``PATCH``: change the fields ``patch`` names (an RFC 7396 merge patch) of a
    record ``scope`` may see; a field it does not name is never changed, and its
    key cannot change. With ``if_match``, only the version the caller read."""
    may_write(who, record_type, "change")
    with store.exclusive():
        old = visible_record(store, scope, record_type, key)
        _check_version(scope, record_type, key, old, if_match)
        moved = [f for f in record_type.KEY if f in patch and patch[f] != getattr(old, f)]
        if moved:
            raise InputError([Issue("body", None, None, f, "is part of the record's key and cannot be changed; "
                                    "delete the record and create another") for f in moved], "the request")
        body = validated(record_type, merge_patch(shown(scope, old).model_dump(mode="json"), patch))
        return _replace(store, who, scope, body, old, via)


def _replace(store: GraphStore, who: Principal, scope: Scope, body: Record, old: Record | None, via: str) -> Record:
    """Write ``body`` over ``old`` (None: a new record) within what ``scope`` may
    change: its account must be visible, an account's parent stays as it is."""
    if scope is not None:
        require_visible(scope, store.account_of(body), kind_of(type(body)), "/".join(body.key))
        if isinstance(old, Account):
            if body.parent_id != shown(scope, old).parent_id:
                raise Forbidden("only an admin key may change an account's parent")
            body = body.model_copy(update={"parent_id": old.parent_id})
    _save(store, who, scope, body, old, via)
    return shown(scope, store.get(type(body), body.key))


def new_id(record_type: type[Record]) -> str:
    """An id for a record the server creates: its kind and 64 random bits."""
    return f"{kind_of(record_type).replace('_', '-')}-{secrets.token_hex(8)}"


def create_record(store: GraphStore, who: Principal, scope: Scope, record_type: type[Record],
                  fields: dict[str, Any], via: str = "api POST") -> Record:
    """``POST``: create a record with an id the server assigns (``new_id``).

    For a member its account must be one they can see; one they cannot is
    answered like one that does not exist (the import's "no account with id").
    """
    may_write(who, record_type, "create")
    record = validated(record_type, {**fields, "id": new_id(record_type)})
    with store.exclusive():
        _save(store, who, scope, record, None, via)
        return shown(scope, store.get(record_type, record.key))


def delete_record(store: GraphStore, who: Principal, scope: Scope, record_type: type[Record],
                  key: tuple[str, ...], if_match: str | None = None, via: str = "api DELETE") -> None:
    """``DELETE``: delete a record ``scope`` may see (``NotFound`` otherwise), with
    what goes with it; deleting a rep revokes the rep's keys first. With
    ``if_match``, only the version the caller read."""
    may_write(who, record_type, "delete")
    actor = who.actor(via)
    with store.exclusive():
        old = visible_record(store, scope, record_type, key)
        _check_version(scope, record_type, key, old, if_match)
        if record_type is Rep:
            revoke_rep_keys(store, key[0], actor)
        store.delete(record_type, key, actor)


def visible_list(store: GraphStore, scope: Scope, record_type: type[Record], account_id: str | None,
                 offset: int, limit: int, filters: dict[str, Any]) -> tuple[list[Record], int]:
    """A page of the records ``scope`` may see (of one account when ``account_id``
    is given), as it is shown them."""
    wanted = scope
    if account_id is not None:
        wanted = [account_id] if scope is None or account_id in scope else []
    data, count = store.page(record_type, wanted, offset=offset, limit=limit, **filters)
    return [shown(scope, r) for r in data], count


def visible_entries(entries: Iterable[AuditEntry], scope: Scope) -> list[AuditEntry]:
    return [shown_entry(scope, e) for e in entries]
