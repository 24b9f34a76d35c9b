"""Stores: the ``GraphStore`` port and ``open_store``, which picks an adapter by URL.

Examples
--------
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "x.lbug")
>>> with open_store(f"ladybug://{path}") as store:
...     store.counts()["accounts"]
0
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from graphcrm.errors import StoreConfigError
from graphcrm.store.port import GraphStore

__all__ = ["GraphStore", "open_store", "DEFAULT_DB", "describe"]

DEFAULT_DB = "ladybug://./graphcrm.lbug"


def open_store(url: str, initialize: bool = True) -> GraphStore:
    """Open the store a URL names, and create its schema unless told not to.

    ``ladybug://PATH`` (a relative or absolute file path), ``neo4j://…`` or
    ``bolt://…`` (user and password from the URL or ``NEO4J_USER`` /
    ``NEO4J_PASSWORD``; a database name may follow as the path).

    Raises
    ------
    StoreConfigError
        An unknown scheme, a missing path, or Neo4j without credentials.
    StoreError, StoreLocked
        The store exists but cannot be opened.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise StoreConfigError(f"not a store URL: {url!r} (use ladybug://PATH or neo4j://HOST:PORT)")
    if scheme == "ladybug":
        if not rest:
            raise StoreConfigError("ladybug:// needs a file path, e.g. ladybug://./graphcrm.lbug")
        from graphcrm.store.ladybug import LadybugStore  # lazily: only the engine in use

        store: GraphStore = LadybugStore(unquote(rest))
    elif scheme in ("neo4j", "neo4j+s", "bolt", "bolt+s"):
        parts = urlsplit(url)
        user = unquote(parts.username) if parts.username else os.environ.get("NEO4J_USER")
        password = unquote(parts.password) if parts.password else os.environ.get("NEO4J_PASSWORD")
        if not user or not password:
            raise StoreConfigError(
                "Neo4j needs a user and a password: put them in the URL or set NEO4J_USER and NEO4J_PASSWORD"
            )
        from graphcrm.store.neo4j import Neo4jStore

        host = parts.hostname or "localhost"
        address = f"{parts.scheme}://{host}:{parts.port or 7687}"
        store = Neo4jStore(address, (user, password), database=parts.path.strip("/") or "neo4j")
    else:
        raise StoreConfigError(f"unknown store {scheme!r} in {describe(url)}: use ladybug://, neo4j:// or bolt://")
    if initialize:
        try:
            store.initialize()
        except BaseException:
            store.close()
            raise
    return store


def describe(url: str) -> str:
    """The URL with any password replaced, safe to print."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url
