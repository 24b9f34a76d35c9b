"""CRUD for every node and relationship type: one router per record type.

``PUT`` is an idempotent upsert by key with the import's checks; ``PATCH`` an
RFC 7396 merge patch (the fields it does not name stay as stored); ``POST``
creates a node with an id the server assigns; lists paginate and filter. Every
record answer carries its ``ETag``; ``If-Match`` on ``PUT``, ``PATCH`` and
``DELETE`` makes the change only if nobody changed the record meanwhile (412
otherwise). Who may do which is ``graphcrm.access``'s to say: each route is one
call to it.
"""


from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from pydantic import BaseModel, ConfigDict, create_model

from api.deps import CurrentKey, Scope, StoreDep, writer
from graphcrm import access
from graphcrm.editing import etag
from graphcrm.model import (
    Account, Activity, Agreement, Bid, BidRole, Contact, Feedback, Influence, Plan, Record, Relationship,
    Rep, TeamMember, Unit,
)

__all__ = ["RESOURCES", "routers"]

RESOURCES: dict[str, type[Record]] = {
    "accounts": Account, "units": Unit, "contacts": Contact, "reps": Rep, "bids": Bid,
    "activities": Activity, "agreements": Agreement, "team-members": TeamMember,
    "relationships": Relationship, "influences": Influence, "bid-roles": BidRole,
    "plans": Plan, "feedback": Feedback,
}
IdPath = Annotated[str, Path(min_length=1, max_length=200)]
IfMatch = Annotated[str | None, Header(max_length=1000, description=(
    "Change the record only if it is still at this version (its `ETag`); 412 otherwise"))]
IfNoneMatch = Annotated[str | None, Header(max_length=10, pattern=r"^\*$", description=(
    "`*`: create the record only if it is not there yet; 412 otherwise"))]


def _tagged(record: Record, response: Response) -> Record:
    response.headers["ETag"] = etag(record)
    return record


def _page_model(record_type: type[Record]) -> type[BaseModel]:
    return create_model(f"{record_type.__name__}Page", data=(list[record_type], ...), count=(int, ...))


def _new_model(record_type: type[Record]) -> type[BaseModel]:
    """The body of a ``POST``: the record's fields without its id (the server's)."""
    fields = {name: (info.annotation, info) for name, info in record_type.model_fields.items() if name != "id"}
    return create_model(f"{record_type.__name__}New", __config__=ConfigDict(extra="forbid"), **fields)


def _patch_model(record_type: type[Record]) -> type[BaseModel]:
    """The body of a ``PATCH``: any of the record's fields, ``null`` to clear one."""
    fields = {name: ((Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation) | None, None)
              for name, info in record_type.model_fields.items()}
    return create_model(f"{record_type.__name__}Patch", __config__=ConfigDict(extra="forbid"), **fields)


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
        data, count = access.visible_list(store, scope, record_type, account_id, offset, limit, p)
        return {"data": data, "count": count}

    if record_type.KEY == ("id",):
        New = _new_model(record_type)

        @router.post("", response_model=record_type, status_code=201, dependencies=[Depends(writer)],
                     summary=f"Create one {name} (the server assigns its id)")
        def create_record(store: StoreDep, scope: Scope, who: CurrentKey, body: New,  # type: ignore[valid-type]
                          response: Response) -> Any:
            record = access.create_record(store, who, scope, record_type, body.model_dump())
            response.headers["Location"] = f"/{prefix}/{quote(record.id, safe='')}"
            return _tagged(record, response)

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

    Patch = _patch_model(record_type)

    @router.get(key_path, response_model=record_type, summary=f"Get one {name}")
    def get_record(store: StoreDep, scope: Scope, key: Key, response: Response) -> Any:
        return _tagged(access.shown(scope, access.visible_record(store, scope, record_type, key)), response)

    @router.put(key_path, response_model=record_type, summary=f"Create or replace one {name}",
                dependencies=[Depends(writer)])
    def put_record(store: StoreDep, scope: Scope, who: CurrentKey, key: Key, body: record_type,  # type: ignore[valid-type]
                   response: Response, if_match: IfMatch = None, if_none_match: IfNoneMatch = None) -> Any:
        return _tagged(access.put_record(store, who, scope, key, body, if_match, only_new=if_none_match == "*"),
                       response)

    @router.patch(key_path, response_model=record_type, dependencies=[Depends(writer)],
                  summary=f"Change some fields of one {name} (JSON merge patch, RFC 7396)")
    def patch_record(store: StoreDep, scope: Scope, who: CurrentKey, key: Key, body: Patch,  # type: ignore[valid-type]
                     response: Response, if_match: IfMatch = None) -> Any:
        patch = body.model_dump(mode="json", exclude_unset=True)
        return _tagged(access.patch_record(store, who, scope, record_type, key, patch, if_match), response)

    @router.delete(key_path, status_code=204, response_class=Response, summary=f"Delete one {name}",
                   dependencies=[Depends(writer)])
    def delete_record(store: StoreDep, scope: Scope, who: CurrentKey, key: Key, if_match: IfMatch = None) -> Response:
        access.delete_record(store, who, scope, record_type, key, if_match)
        return Response(status_code=204)

    return router


def routers() -> list[APIRouter]:
    return [_router(prefix, t) for prefix, t in RESOURCES.items()]
