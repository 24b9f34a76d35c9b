"""CRUD for every node and relationship type: one router per record type.

``PUT`` is an idempotent upsert by key with the import's checks; lists paginate
and filter; a member sees and changes only the accounts of their team, and
everything else answers 404 as if it did not exist.
"""


from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, create_model

from api.deps import CurrentKey, Scope, StoreDep, writer
from graphcrm import services
from graphcrm.access import Forbidden, Principal, Role, require_visible
from graphcrm.errors import InputError, Issue, NotFound
from graphcrm.model import (
    Account, Activity, Agreement, Bid, BidRole, Contact, Influence, Record, Relationship, Rep,
    TeamMember, Unit,
)
from graphcrm.store.port import GraphStore

__all__ = ["RESOURCES", "routers"]

RESOURCES: dict[str, type[Record]] = {
    "accounts": Account, "units": Unit, "contacts": Contact, "reps": Rep, "bids": Bid,
    "activities": Activity, "agreements": Agreement, "team-members": TeamMember,
    "relationships": Relationship, "influences": Influence, "bid-roles": BidRole,
}
IdPath = Annotated[str, Path(min_length=1, max_length=200)]


def _kind(record_type: type[Record]) -> str:
    return record_type.__name__.lower()


def _visible_rep(store: GraphStore, scope: list[str] | None, rep_id: str) -> None:
    if scope is not None and not set(store.team_account_ids(rep_id)) & set(scope):
        raise NotFound("rep", rep_id)


def _check_visible(store: GraphStore, scope: list[str] | None, record: Record) -> None:
    if isinstance(record, Rep):
        _visible_rep(store, scope, record.id)
    else:
        require_visible(scope, store.account_of(record), _kind(type(record)), "/".join(record.key))


def _get(store: GraphStore, scope: list[str] | None, record_type: type[Record], key: tuple[str, ...]) -> Record:
    record = store.get(record_type, key)
    if record is None:
        raise NotFound(_kind(record_type), "/".join(key))
    _check_visible(store, scope, record)
    return record


def _put(store: GraphStore, scope: list[str] | None, who: Principal, key: tuple[str, ...],
         body: Record) -> Record:
    if body.key != key:
        raise InputError([Issue("body", None, None, ",".join(body.KEY),
                                f"{'/'.join(body.key)!r} does not match the URL ({'/'.join(key)!r})")], "the request")
    if isinstance(body, Rep) and who.role is not Role.admin:
        raise Forbidden("only an admin key may change reps")
    old = store.get(type(body), key)
    if old is not None:
        _check_visible(store, scope, old)
    if scope is not None and not isinstance(body, Rep):  # the new state stays in the member's accounts
        require_visible(scope, store.account_of(body), _kind(type(body)), "/".join(key))
    services.save(store, body, scope, who.actor("api PUT"))
    return store.get(type(body), key)


def _delete(store: GraphStore, scope: list[str] | None, who: Principal, record_type: type[Record],
            key: tuple[str, ...]) -> Response:
    if record_type is Rep and who.role is not Role.admin:
        raise Forbidden("only an admin key may delete reps")
    _get(store, scope, record_type, key)
    store.delete(record_type, key, who.actor("api DELETE"))
    return Response(status_code=204)


def _page_model(record_type: type[Record]) -> type[BaseModel]:
    return create_model(f"{record_type.__name__}Page", data=(list[record_type], ...), count=(int, ...))


def _list_params(record_type: type[Record]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "limit": (int, Query(50, ge=1, le=500)),
        "offset": (int, Query(0, ge=0, le=1_000_000_000)),
    }
    if record_type is not Rep:
        fields["account_id"] = (str | None, Query(None, min_length=1, max_length=200))
    for name in record_type.FILTERS:
        kind = bool if name == "active" else str
        fields[name] = (kind | None, Query(None) if kind is bool else Query(None, min_length=1, max_length=200))
    return create_model(f"{record_type.__name__}ListParams", **fields)


def _router(prefix: str, record_type: type[Record]) -> APIRouter:
    router = APIRouter(prefix=f"/{prefix}", tags=[prefix])
    Page = _page_model(record_type)
    Params = _list_params(record_type)
    name = record_type.__name__

    @router.get("", response_model=Page, summary=f"List {prefix}")
    def list_records(store: StoreDep, scope: Scope, params: Annotated[Params, Query()]) -> Any:
        p = params.model_dump()
        limit, offset, account_id = p.pop("limit"), p.pop("offset"), p.pop("account_id", None)
        if account_id is not None:
            scope = [account_id] if scope is None or account_id in scope else []
        data, count = store.page(record_type, scope, offset=offset, limit=limit, **p)
        return {"data": data, "count": count}

    if len(record_type.KEY) == 1:
        key_path = "/{id}"

        def one(id: IdPath) -> tuple[str, ...]:
            return (id,)
    else:
        k1, k2 = record_type.KEY
        key_path = f"/{{{k1}}}/{{{k2}}}"

        def one(a: Annotated[str, Path(alias=k1, min_length=1, max_length=200)],
                b: Annotated[str, Path(alias=k2, min_length=1, max_length=200)]) -> tuple[str, ...]:
            return (a, b)

    Key = Annotated[tuple[str, ...], Depends(one)]

    @router.get(key_path, response_model=record_type, summary=f"Get one {name}")
    def get_record(store: StoreDep, scope: Scope, key: Key) -> Any:
        return _get(store, scope, record_type, key)

    @router.put(key_path, response_model=record_type, summary=f"Create or replace one {name}",
                dependencies=[Depends(writer)])
    def put_record(store: StoreDep, scope: Scope, who: CurrentKey, key: Key, body: record_type) -> Any:  # type: ignore[valid-type]
        return _put(store, scope, who, key, body)

    @router.delete(key_path, status_code=204, response_class=Response, summary=f"Delete one {name}",
                   dependencies=[Depends(writer)])
    def delete_record(store: StoreDep, scope: Scope, who: CurrentKey, key: Key) -> Response:
        return _delete(store, scope, who, record_type, key)

    return router


def routers() -> list[APIRouter]:
    return [_router(prefix, t) for prefix, t in RESOURCES.items()]
