"""The web UI's forms: create, edit and delete any record from a page.

One form per record type, drawn from its declaration (``graphcrm.forms``):

- ``GET /ui/new/{resource}?field=value…`` — a new record; the fields given in the
  query are fixed by where the form was opened (the account of an account page,
  the bid of a bid page), except id lists, which are only preselected;
- ``GET /ui/edit/{resource}/{key…}`` — the record as it is, with its version;
- ``POST`` to either: the same checks as the API (``graphcrm.access``), audited
  under the signed-in key as ``ui form``; a problem is shown beside its field
  (422), a change someone made meanwhile is shown instead of overwritten (412);
- ``POST /ui/delete/{resource}/{key…}`` — delete the version the page showed.

Every post must come from this site and carry the page's anti-CSRF token
(``api.ui.check_form``). After a change the browser goes back to ``next`` (a
path of this UI) or to the record's page.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import StoreDep
from api.routes.records import RESOURCES
from api.ui import check_form, local_next, page, ui_principal
from graphcrm import access
from graphcrm.access import Principal, Scope, scope_of
from graphcrm.audit import kind_of
from graphcrm.editing import Conflict, etag
from graphcrm.errors import InputError, NotFound
from graphcrm.forms import FormField, form_fields, label_of, parse_form, pick_lists
from graphcrm.model import Account, Activity, Bid, Contact, Record
from graphcrm.schema import home_via, target
from graphcrm.store import GraphStore

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Segment = Annotated[str, Path(min_length=1, max_length=200)]
MAX_FORM_FIELDS = 50
MAX_PICKS = 5_000


def _type(resource: str) -> type[Record]:
    if resource not in RESOURCES:
        raise NotFound("page", resource)
    return RESOURCES[resource]


def _key(record_type: type[Record], parts: tuple[str, ...]) -> tuple[str, ...]:
    if len(parts) != len(record_type.KEY):
        raise NotFound(kind_of(record_type), "/".join(parts))
    return parts


def _account_of(store: GraphStore, record_type: type[Record], values: dict[str, Any]) -> str | None:
    """The account a record with ``values`` would belong to (for its pick lists)."""
    if record_type is Account:
        return values.get("id")
    via = home_via(record_type)
    if via is None:
        return values.get("account_id")
    field, home_type = via
    home = store.get(home_type, values[field]) if values.get(field) else None
    return None if home is None else store.account_of(home)


def _record_page(record: Record, account_id: str | None) -> str:
    """The page a record is seen on: its own, or its account's."""
    if isinstance(record, Contact):
        return f"/ui/contacts/{quote(record.id, safe='')}"
    if isinstance(record, Bid):
        return f"/ui/bids/{quote(record.id, safe='')}"
    bid_id = getattr(record, "bid_id", None)
    if bid_id and not isinstance(record, Activity):
        return f"/ui/bids/{quote(bid_id, safe='')}"
    return f"/ui/accounts/{quote(account_id, safe='')}" if account_id else "/ui/"


def _shown_values(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as text: ids, days, numbers as typed; id lists as lists."""
    shown: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list):
            shown[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            shown[name] = value
        else:
            shown[name] = "" if value is None else str(value)
    return shown


def _errors(e: InputError, fields: list[FormField]) -> tuple[dict[str, list[str]], list[str]]:
    """The problems of a write, by the form field they are about (the rest above the form)."""
    names = {f.name for f in fields}
    by_field: dict[str, list[str]] = {}
    other: list[str] = []
    for issue in e.issues:
        name = (issue.field or "").split(".")[0]
        if name in names:
            by_field.setdefault(name, []).append(issue.message)
        else:
            other.append(f"{label_of(name)}: {issue.message}" if name else issue.message)
    other += e.more
    return by_field, other


def _form(request: Request, store: GraphStore, who: Principal, scope: Scope, record_type: type[Record],
          fields: list[FormField], values: dict[str, Any], fixed: dict[str, str], account_id: str | None,
          action: str, next_url: str, status_code: int = 200, version: str | None = None,
          key: tuple[str, ...] | None = None, **extra: Any) -> HTMLResponse:
    kind = label_of(kind_of(record_type)).lower()
    title = f"Edit {kind}" if key else f"New {kind}"
    return page(request, "form.html", who, status_code=status_code, title=title, fields=fields,
                values=_shown_values(values), fixed=fixed, choices=pick_lists(store, scope, account_id, fields),
                action=action, next=next_url, version=version, key=key, resource=_resource_of(record_type),
                **extra)


def _resource_of(record_type: type[Record]) -> str:
    return next(prefix for prefix, t in RESOURCES.items() if t is record_type)


def _last(form: dict[str, list[str]], name: str) -> str | None:
    """The value of a form field (the last, if sent several times)."""
    values = form.get(name)
    return values[-1] if values else None


def _posted(request: Request, store: GraphStore, resource: str, parts: tuple[str, ...],
            form: dict[str, list[str]]) -> tuple[type[Record], tuple[str, ...], Principal, Scope] | Response:
    """What a post to a record's form is about, once it is known to come from
    this site's page for a signed-in key (else the sign-in page, or 403)."""
    record_type = _type(resource)
    key = _key(record_type, parts)
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    check_form(request, _last(form, "_csrf"))
    return record_type, key, who, scope_of(store, who)


def _form_dict(form: FormData) -> dict[str, list[str]]:
    if len(form) > MAX_FORM_FIELDS * 4 + MAX_PICKS:
        raise InputError([], "the form: too many fields")
    return {name: [v for v in form.getlist(name) if isinstance(v, str)] for name in form.keys()}


# --- new records ----------------------------------------------------------------------


def _fixed(record_type: type[Record], query: dict[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    """The fields a query fixes (scalars) and those it only preselects (id lists)."""
    kinds = {f.name: f.kind for f in form_fields(record_type, set())}
    fixed = {k: v for k, v in query.items() if k in kinds and kinds[k] != "picks"}
    preset = {k: [x for x in v.split(";") if x] for k, v in query.items() if kinds.get(k) == "picks"}
    return fixed, preset


@router.get("/ui/new/{resource}")
def new_form(resource: Segment, request: Request, store: StoreDep) -> Response:
    record_type = _type(resource)
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    access.may_write(who, record_type, "create")
    scope = scope_of(store, who)
    fixed, preset = _fixed(record_type, dict(request.query_params))
    account_id = _account_of(store, record_type, fixed)
    if account_id is not None:
        access.require_visible(scope, account_id, "account", account_id)
    fields = form_fields(record_type, set(fixed))
    next_url = local_next(request.query_params.get("next"), "/ui/")
    return _form(request, store, who, scope, record_type, fields, preset, fixed, account_id,
                 f"/ui/new/{resource}", next_url, heading=_context(store, record_type, fixed))


@router.post("/ui/new/{resource}")
async def create(resource: Segment, request: Request, store: StoreDep) -> Response:
    form = _form_dict(await request.form())
    return await run_in_threadpool(_create, request, store, resource, form)


def _create(request: Request, store: GraphStore, resource: str, form: dict[str, list[str]]) -> Response:
    record_type = _type(resource)
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    check_form(request, _last(form, "_csrf"))
    scope = scope_of(store, who)
    fixed = {k[len("_fixed."):]: v[-1] for k, v in form.items() if k.startswith("_fixed.") and v}
    fixed = {k: v for k, v in fixed.items() if k in record_type.model_fields}
    fields = form_fields(record_type, set(fixed))
    values = {**fixed, **parse_form(fields, form)}
    account_id = _account_of(store, record_type, values)
    next_url = local_next(_last(form, "_next"), "/ui/")
    try:
        if record_type.KEY == ("id",):
            record = access.create_record(store, who, scope, record_type,
                                          {k: v for k, v in values.items() if v is not None}, via="ui form")
        else:
            body = access.validated(record_type, {k: v for k, v in values.items() if v is not None})
            record = access.put_record(store, who, scope, body.key, body, only_new=True, via="ui form")
    except InputError as e:
        errors, general = _errors(e, fields)
        return _form(request, store, who, scope, record_type, fields, values, fixed, account_id,
                     f"/ui/new/{resource}", next_url, status_code=422, errors=errors, general=general)
    except Conflict as e:
        key_field = record_type.KEY[-1]
        return _form(request, store, who, scope, record_type, fields, values, fixed, account_id,
                     f"/ui/new/{resource}", next_url, status_code=409,
                     errors={key_field: [f"is already there ({'/'.join(e.key)}): change that one instead"]},
                     general=[], existing=_edit_url(record_type, tuple(e.key.split("/")), next_url))
    return RedirectResponse(local_next(next_url if next_url != "/ui/" else None,
                                       _record_page(record, store.account_of(record))), status_code=303)


def _edit_url(record_type: type[Record], key: tuple[str, ...], next_url: str) -> str:
    return f"{_key_url('edit', record_type, key)}?next={quote(next_url, safe='')}"


def _key_url(action: str, record_type: type[Record], key: tuple[str, ...]) -> str:
    """``/ui/{action}/{resource}/{key…}``, each part of the key one path segment."""
    return f"/ui/{action}/{_resource_of(record_type)}/" + "/".join(quote(k, safe="") for k in key)


# --- changes to a record ---------------------------------------------------------------


def _edit_page(request: Request, store: GraphStore, resource: str, parts: tuple[str, ...]) -> Response:
    record_type = _type(resource)
    key = _key(record_type, parts)
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    scope = scope_of(store, who)
    record = access.shown(scope, access.visible_record(store, scope, record_type, key))
    access.may_write(who, record_type, "change")
    fields = form_fields(record_type, set(), editing=True)
    account_id = store.account_of(record)
    next_url = local_next(request.query_params.get("next"), _record_page(record, account_id))
    return _form(request, store, who, scope, record_type, fields, record.model_dump(mode="json"), {}, account_id,
                 request.url.path, next_url, version=etag(record), key=key, heading=_describe(record, store))


def _edit(request: Request, store: GraphStore, resource: str, parts: tuple[str, ...],
          form: dict[str, list[str]]) -> Response:
    posted = _posted(request, store, resource, parts, form)
    if isinstance(posted, Response):
        return posted
    record_type, key, who, scope = posted
    fields = form_fields(record_type, set(), editing=True)
    patch = parse_form(fields, form)
    version = _last(form, "_version")
    current = access.shown(scope, access.visible_record(store, scope, record_type, key))
    account_id = store.account_of(current)
    next_url = local_next(_last(form, "_next"), _record_page(current, account_id))
    again = dict(request=request, store=store, who=who, scope=scope, record_type=record_type, fields=fields,
                 values={**current.model_dump(mode="json"), **patch}, fixed={}, account_id=account_id,
                 action=request.url.path, next_url=next_url, key=key, heading=_describe(current, store))
    try:
        record = access.patch_record(store, who, scope, record_type, key, patch, if_match=version or "*",
                                     via="ui form")
    except InputError as e:
        errors, general = _errors(e, fields)
        return _form(**again, status_code=422, version=version, errors=errors, general=general)
    except Conflict as e:
        return _form(**again, status_code=412, version=None if e.current is None else etag(e.current),
                     conflict=_conflict(store, record_type, key, e.current, patch, fields))
    return RedirectResponse(local_next(next_url, _record_page(record, account_id)), status_code=303)


def _conflict(store: GraphStore, record_type: type[Record], key: tuple[str, ...], current: Record | None,
              mine: dict[str, Any], fields: list[FormField]) -> dict[str, Any]:
    """What to show of someone else's change: who made it and when, and each
    field where their value and the one typed here differ."""
    entries, _ = store.audit(kind=kind_of(record_type), key="/".join(key), limit=1)
    last = entries[0] if entries else None
    theirs = {} if current is None else current.model_dump(mode="json")
    differ = [{"label": f.label, "theirs": _text(theirs.get(f.name)), "mine": _text(mine.get(f.name))}
              for f in fields if f.name in mine and _text(theirs.get(f.name)) != _text(mine.get(f.name))]
    return {"deleted": current is None, "who": last.actor if last else None, "at": last.at if last else None,
            "fields": differ}


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def _context(store: GraphStore, record_type: type[Record], fixed: dict[str, str]) -> str | None:
    """What a new record's form is opened on, by name: "刘慧敏", "5G Core · 江南移动"."""
    names = []
    for ref in record_type.REFS:
        if ref.field in fixed:
            other = store.get(target(ref), fixed[ref.field])
            names.append(f"{label_of(ref.field).lower()} {getattr(other, 'name', None) or fixed[ref.field]}")
    return ", ".join(names) or None


def _describe(record: Record, store: GraphStore) -> str:
    """A record as people read it: its name, or the names of its two ends."""
    name = getattr(record, "name", None)
    if name:
        return name
    if record.ENDS:
        names = []
        for field in record.ENDS:
            ref = next(r for r in record.REFS if r.field == field)
            other = store.get(target(ref), getattr(record, field))
            names.append(getattr(other, "name", None) or getattr(record, field))
        return " → ".join(names)
    return "/".join(record.key)


@router.get("/ui/edit/{resource}/{k1}")
def edit_form_1(resource: Segment, k1: Segment, request: Request, store: StoreDep) -> Response:
    return _edit_page(request, store, resource, (k1,))


@router.get("/ui/edit/{resource}/{k1}/{k2}")
def edit_form_2(resource: Segment, k1: Segment, k2: Segment, request: Request, store: StoreDep) -> Response:
    return _edit_page(request, store, resource, (k1, k2))


@router.post("/ui/edit/{resource}/{k1}")
async def edit_1(resource: Segment, k1: Segment, request: Request, store: StoreDep) -> Response:
    return await run_in_threadpool(_edit, request, store, resource, (k1,), _form_dict(await request.form()))


@router.post("/ui/edit/{resource}/{k1}/{k2}")
async def edit_2(resource: Segment, k1: Segment, k2: Segment, request: Request, store: StoreDep) -> Response:
    return await run_in_threadpool(_edit, request, store, resource, (k1, k2), _form_dict(await request.form()))


# --- deleting ---------------------------------------------------------------------------


def _delete(request: Request, store: GraphStore, resource: str, parts: tuple[str, ...],
            form: dict[str, list[str]]) -> Response:
    posted = _posted(request, store, resource, parts, form)
    if isinstance(posted, Response):
        return posted
    record_type, key, who, scope = posted
    current = access.shown(scope, access.visible_record(store, scope, record_type, key))
    account_id = store.account_of(current)
    account_page = f"/ui/accounts/{quote(account_id, safe='')}" if account_id else "/ui/"
    next_url = local_next(_last(form, "_next"), account_page)
    if isinstance(current, (Contact, Bid)) and next_url.split("?")[0] == _record_page(current, account_id):
        next_url = account_page  # the deleted record's own page is gone with it
    try:
        access.delete_record(store, who, scope, record_type, key,
                             if_match=_last(form, "_version") or "*", via="ui form")
    except Conflict as e:
        fields = form_fields(record_type, set(), editing=True)
        return _form(request, store, who, scope, record_type, fields,
                     {} if e.current is None else e.current.model_dump(mode="json"), {}, account_id,
                     _key_url("edit", record_type, key), next_url, status_code=412,
                     version=None if e.current is None else etag(e.current), key=key,
                     heading=_describe(current, store),
                     conflict=_conflict(store, record_type, key, e.current, {}, fields), deleting=True)
    return RedirectResponse(next_url, status_code=303)


@router.post("/ui/delete/{resource}/{k1}")
async def delete_1(resource: Segment, k1: Segment, request: Request, store: StoreDep) -> Response:
    return await run_in_threadpool(_delete, request, store, resource, (k1,), _form_dict(await request.form()))


@router.post("/ui/delete/{resource}/{k1}/{k2}")
async def delete_2(resource: Segment, k1: Segment, k2: Segment, request: Request, store: StoreDep) -> Response:
    return await run_in_threadpool(_delete, request, store, resource, (k1, k2), _form_dict(await request.form()))
