"""The exceptions graphcrm raises; entry points turn them into exit codes and HTTP statuses."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GraphcrmError",
    "NotFound",
    "InUse",
    "StoreError",
    "StoreConfigError",
    "StoreLocked",
    "InputError",
    "Issue",
]


class GraphcrmError(Exception):
    """Base class of every error graphcrm reports to a user."""


class NotFound(GraphcrmError):
    """An id that names nothing in the store."""

    def __init__(self, kind: str, id: str):
        super().__init__(f"no {kind} with id {id!r}")
        self.kind = kind
        self.id = id


class InUse(GraphcrmError):
    """A record that others still refer to cannot be deleted."""


class StoreError(GraphcrmError):
    """The store could not be opened or failed while working."""


class StoreConfigError(StoreError):
    """A store URL that names no known engine, or a half-configured one."""


class StoreLocked(StoreError):
    """Another process holds the embedded store file open for writing."""


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in input data, located as precisely as we can.

    ``where`` is the file (``relationships.csv``), ``line`` the 1-based line of
    the row in that file (for JSON input: None, with ``item`` the list index),
    ``field`` the column.
    """

    where: str
    line: int | None
    item: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        loc = self.where
        if self.line is not None:
            loc += f":{self.line}"
        elif self.item is not None:
            loc += f"[{self.item}]"
        if self.field:
            return f"{loc}: {self.field}: {self.message}"
        return f"{loc}: {self.message}"


class InputError(GraphcrmError):
    """Input data with one or more problems; nothing was written.

    ``issues`` holds every problem found, not just the first.
    """

    def __init__(self, issues: list[Issue], subject: str = "the input; nothing was written"):
        self.issues = sorted(issues, key=lambda i: (i.where, i.line or 0, i.item or 0))
        n = len(self.issues)
        head = f"{n} problem{'s' if n != 1 else ''} in {subject}"
        super().__init__("\n".join([head, *map(str, self.issues)]))
