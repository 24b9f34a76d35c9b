"""The shared store: Neo4j 5 through the official ``neo4j`` driver.

Reads run in READ sessions, writes in one ``execute_write`` transaction function
(the driver retries it on transient errors only, so the work is idempotent:
every write is an upsert). The driver runs one statement per call, so
multi-statement query files are run statement by statement.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import neo4j
import neo4j.exceptions
import neo4j.time

from graphcrm import cypher
from graphcrm.errors import StoreError
from graphcrm.store import writes
from graphcrm.store.port import GraphStore, Step

__all__ = ["Neo4jStore"]


def _native(value: Any) -> Any:
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime)):
        return value.to_native()
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value


class Neo4jStore(GraphStore):
    """A graphcrm store in a Neo4j 5 database.

    Parameters
    ----------
    uri : str
        ``neo4j://host:7687`` or ``bolt://host:7687``.
    auth : (user, password)
    database : str
        The Neo4j database name (``neo4j`` by default).
    driver : neo4j.Driver, optional
        An already configured driver (tests inject one); ``uri``/``auth`` unused then.
    """

    engine = "neo4j"

    def __init__(self, uri: str, auth: tuple[str, str] | None = None, database: str = "neo4j",
                 driver: neo4j.Driver | None = None):
        self.database = database
        self._args = (uri, auth, database)
        self._lock = threading.RLock()
        self._driver = driver or neo4j.GraphDatabase.driver(uri, auth=auth)
        try:
            self._driver.verify_connectivity()
        except neo4j.exceptions.AuthError:
            raise StoreError(f"Neo4j at {uri} refused the user name or password") from None
        except (neo4j.exceptions.ServiceUnavailable, OSError) as e:
            raise StoreError(f"cannot reach Neo4j at {uri}: {e.__class__.__name__}") from None

    def reader(self) -> tuple[type, tuple]:
        return Neo4jStore, self._args

    def exclusive(self) -> threading.RLock:
        # This process's writers one at a time, so that their audit entries' "before"
        # values are exact among them (other processes may still write meanwhile).
        return self._lock

    def initialize(self) -> None:
        with self._driver.session(database=self.database) as session:
            for statement in cypher.schema(self.engine):
                session.run(statement).consume()
        writes.index_audit(self)  # a store from before the trail was indexed by subject

    def close(self) -> None:
        self._driver.close()

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = []
            for statement in cypher.statements(query, self.engine):
                rows = [{k: _native(v) for k, v in record.items()} for record in tx.run(statement, params)]
            return rows

        with self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
            return s.execute_read(work)

    def write(self, steps: Sequence[Step], advance: Callable[[int], None] | None = None) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            for step in steps:
                for statement in cypher.statements(step.query, self.engine):
                    tx.run(statement, step.params).consume()

        with self._driver.session(database=self.database) as session:
            session.execute_write(work)
        if advance is not None:
            advance(sum(len(step.params.get("rows", ())) for step in steps))
