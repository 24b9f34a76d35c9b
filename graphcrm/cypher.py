"""Named Cypher queries, loaded from the ``cypher/`` directory.

Every statement graphcrm runs lives in a ``.cypher`` file; a query's name is its
path without the suffix (``contact/upsert``). An engine-specific file
``cypher/<engine>/<name>.cypher`` takes precedence over the shared one, and the
schema is ``cypher/schema/<engine>.cypher``. A file may hold several statements,
each ended by ``;`` at the end of a line; ``//`` comment lines are dropped.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

__all__ = ["CYPHER_DIR", "statements", "schema", "split_statements"]

CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"
_END = re.compile(r";[ \t]*$", re.MULTILINE)


def split_statements(text: str) -> list[str]:
    """Split a file's text into statements, without comment lines or empty ones."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in _END.split(body) if s.strip()]


@cache
def statements(name: str, engine: str) -> tuple[str, ...]:
    """The statements of the named query for ``engine`` (``ladybug`` or ``neo4j``).

    Raises ``FileNotFoundError`` for a name with no file: a programming error.
    """
    for path in (CYPHER_DIR / engine / f"{name}.cypher", CYPHER_DIR / f"{name}.cypher"):
        if path.is_file():
            return tuple(split_statements(path.read_text(encoding="utf-8")))
    raise FileNotFoundError(f"no Cypher query named {name!r} in {CYPHER_DIR}")


def schema(engine: str) -> tuple[str, ...]:
    """The idempotent schema statements of ``engine``."""
    return statements(f"schema/{engine}", engine)
