"""Changing one record safely: its version tag, partial updates, and conflicts.

- ``etag``: a record's version, a hash of its values as a caller is shown them.
  Two people who load the same record get the same tag; any change to a value
  they can see gives a new one (HTTP ``ETag``, RFC 9110 §8.8.3).
- ``merge_patch``: RFC 7396 JSON merge patch — the fields a patch names are set
  (``null`` clears one), every other field is kept as stored.
- ``Conflict``: the record changed since the caller read it (HTTP 412); it
  carries the record as it is now, so a page can show the other person's change
  instead of overwriting it.

Examples
--------
>>> merge_patch({"depth": 1, "since": "2024-01-01", "last_contact": "2026-07-22"}, {"depth": 3})
{'depth': 3, 'since': '2024-01-01', 'last_contact': '2026-07-22'}
>>> merge_patch({"title": "CTO", "email": "a@b.cn"}, {"email": None})
{'title': 'CTO', 'email': None}
"""

from __future__ import annotations

import hashlib
from typing import Any

from graphcrm.errors import GraphcrmError
from graphcrm.model import Record

__all__ = ["etag", "merge_patch", "Conflict", "matches"]


def etag(record: Record) -> str:
    """The record's version as a strong entity tag (quoted, as in an HTTP header)."""
    digest = hashlib.sha256(record.model_dump_json().encode()).hexdigest()[:20]
    return f'"{digest}"'


def matches(if_match: str, record: Record | None) -> bool:
    """Whether an ``If-Match`` value (one tag, a comma-separated list, or ``*``)
    matches the record as it is now; nothing matches a record that does not exist."""
    if record is None:
        return False
    tags = {t.strip() for t in if_match.split(",")}
    return "*" in tags or etag(record) in tags


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON merge patch (RFC 7396 §2) to ``target``.

    A patch that is not an object replaces the target; in an object, ``null``
    removes a member (for a record: clears the field) and an object member is
    merged recursively. ``target`` is not modified.
    """
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            if name in result:
                result[name] = None
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


class Conflict(GraphcrmError):
    """The record changed (or went) since the caller read it: nothing was written.

    ``current`` is the record as it is now (None when it was deleted)."""

    def __init__(self, kind: str, key: str, current: Record | None):
        self.kind, self.key, self.current = kind, key, current
        what = "was deleted" if current is None else "was changed by someone else"
        super().__init__(f"{kind} {key!r} {what} since you read it; nothing was written: "
                         "read it again and redo your change")
