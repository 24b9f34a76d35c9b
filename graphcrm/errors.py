"""The exceptions graphcrm raises; entry points turn them into exit codes and HTTP statuses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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
    "Issues",
    "MAX_PER_KIND",
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


MAX_PER_KIND = 20
"""Problems kept of each kind (file or list, and column): the rest are only counted."""
MAX_KEPT = 500
"""Problems kept in all; the rest are only counted."""
MAX_KINDS = 200
"""Kinds whose omitted problems are counted apart; further kinds are counted together."""


class Issues(list):
    """The problems found so far, in bounded memory: the first ``MAX_PER_KIND`` of
    each kind — the same ``where`` and ``field`` — are kept (``MAX_KEPT`` at most),
    the others only counted in ``omitted``. ``total`` counts them all.

    A million bad rows cost a counter, not a million messages.

    >>> found = Issues()
    >>> found += [Issue("accounts.csv", n, None, "id", "duplicated") for n in range(2, 100)]
    >>> len(found), found.total, found.omitted[("accounts.csv", "id")]
    (20, 98, 78)
    """

    def __init__(self, issues: Iterable[Issue] = ()):
        super().__init__()
        self.total = 0
        self.omitted: Counter[tuple[str, str | None]] = Counter()
        self._kept: Counter[tuple[str, str | None]] = Counter()
        self.extend(issues)

    def append(self, issue: Issue) -> None:
        self.total += 1
        kind = (issue.where, issue.field)
        if self._kept[kind] < MAX_PER_KIND and len(self) < MAX_KEPT:
            self._kept[kind] += 1
            super().append(issue)
        elif kind in self.omitted or len(self.omitted) < MAX_KINDS:
            self.omitted[kind] += 1
        else:
            self.omitted[("other places", None)] += 1

    def extend(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            self.append(issue)

    def __iadd__(self, issues: Iterable[Issue]) -> Issues:
        self.extend(issues)
        return self


class InputError(GraphcrmError):
    """Input data with one or more problems; nothing was written.

    ``issues`` holds the problems found — all of them, or for a large number the
    first ``MAX_PER_KIND`` of each kind; ``omitted`` says how many more of each
    kind there were (where, field, count) and ``more`` says so in words, ``total``
    how many in all.
    """

    def __init__(self, issues: list[Issue], subject: str = "the input; nothing was written"):
        found = issues if isinstance(issues, Issues) else Issues(issues)
        self.issues = sorted(found, key=lambda i: (i.where, i.line or 0, i.item or 0))
        self.omitted = sorted((where, field, n) for (where, field), n in found.omitted.items())
        self.total = found.total
        n = self.total
        head = f"{n} problem{'s' if n != 1 else ''} in {subject}"
        self.more = more = [f"{where}{': ' + field if field else ''}: {count} more problem{'s' if count != 1 else ''} "
                "like these, not listed" for where, field, count in self.omitted]
        super().__init__("\n".join([head, *map(str, self.issues), *more]))
