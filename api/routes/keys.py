"""API keys (admin): create (the token is shown once), list, revoke."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from api.deps import StoreDep, admin_only
from graphcrm.access import Role, create_key, revoke_key

__all__ = ["router"]

router = APIRouter(prefix="/keys", tags=["keys"], dependencies=[Depends(admin_only)])


class KeyIn(BaseModel):
    role: Role
    name: str = Field(min_length=1, max_length=200)
    rep_id: str | None = Field(None, min_length=1, max_length=200)


class KeyOut(BaseModel):
    id: str
    name: str
    role: Role
    rep_id: str | None
    created: dt.datetime
    revoked: dt.datetime | None


class NewKey(KeyOut):
    token: str = Field(description="The key itself: shown this once, stored only as a hash")


@router.post("", response_model=NewKey, status_code=201)
def create(body: KeyIn, store: StoreDep) -> NewKey:
    token, key = create_key(store, body.role, body.name, body.rep_id)
    return NewKey(token=token, **key.model_dump(exclude={"hash"}))


@router.get("", response_model=list[KeyOut])
def list_keys(store: StoreDep) -> list[KeyOut]:
    return [KeyOut(**k.model_dump(exclude={"hash"})) for k in store.api_keys()]


@router.delete("/{id}", response_model=KeyOut)
def revoke(id: Annotated[str, Path(min_length=1, max_length=200)], store: StoreDep) -> KeyOut:
    return KeyOut(**revoke_key(store, id).model_dump(exclude={"hash"}))
