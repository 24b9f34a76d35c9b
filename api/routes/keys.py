"""API keys (admin): create (the token is shown once), list, revoke."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import AfterValidator, BaseModel, Field

from api.deps import CurrentKey, StoreDep, admin_only
from graphcrm.access import Role, create_key, revoke_key
from graphcrm.model import Id, Name

__all__ = ["router"]

router = APIRouter(prefix="/keys", tags=["keys"], dependencies=[Depends(admin_only)])


class KeyIn(BaseModel):
    role: Role
    name: Name
    rep_id: Id | None = None


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """Stored naive (UTC, as LadybugDB keeps it); served with its zone."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


class KeyOut(BaseModel):
    id: str
    name: str
    role: Role
    rep_id: str | None
    created: Annotated[dt.datetime, AfterValidator(_utc)]
    revoked: Annotated[dt.datetime | None, AfterValidator(_utc)]


class NewKey(KeyOut):
    token: str = Field(description="The key itself: shown this once, stored only as a hash")


@router.post("", response_model=NewKey, status_code=201)
def create(body: KeyIn, store: StoreDep, who: CurrentKey) -> NewKey:
    token, key = create_key(store, body.role, body.name, body.rep_id, actor=who.actor("api keys"))
    return NewKey(token=token, **key.model_dump(exclude={"hash"}))


@router.get("", response_model=list[KeyOut])
def list_keys(store: StoreDep) -> list[KeyOut]:
    return [KeyOut(**k.model_dump(exclude={"hash"})) for k in store.api_keys()]


@router.delete("/{id}", response_model=KeyOut)
def revoke(id: Annotated[str, Path(min_length=1, max_length=200)], store: StoreDep, who: CurrentKey) -> KeyOut:
    return KeyOut(**revoke_key(store, id, who.actor("api keys")).model_dump(exclude={"hash"}))
