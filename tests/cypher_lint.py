"""Lint graphcrm's Cypher files with Neo4j's own parser, from Python tests.

What: ``lint_files(paths)`` runs ``tests/tools/lint_cypher.mjs`` once, in a
single ``node`` process for all the given files, and returns the failures it
found: syntax errors and semantic errors (e.g. an undefined variable), i.e.
diagnostics of severity Error.  The library's "Parameter $x is not defined."
diagnostic is reported by it with severity Error too, because it is called with
an empty schema; it is expected for parameterised statements and is dropped
here, as are warnings.

Why: every Cypher statement of the project lives in ``cypher/**/*.cypher`` and
must be valid for Neo4j 5.  Running a Neo4j server in every test run is heavy,
and an embedded engine accepts a different dialect, so the statements are
checked by the parser and semantic analysis Neo4j ships for its editors:
npm ``@neo4j-cypher/language-support`` pinned to ``2.0.0-next.38`` in
``package.json``/``package-lock.json`` (``npm ci`` at the repository root
installs it; it works offline).  Its default language is ``CYPHER 5``.

Each returned dict has the keys ``file``, ``statement_index`` (0-based among the
non-empty statements of the file, split at ``;`` ending a line), ``severity``
("Error"), ``severity_code`` (1, LSP numbering), ``undefined_parameter``
(False), ``message``, and 1-based ``line``/``column``/``end_line``/
``end_column`` in the file.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = pathlib.Path(__file__).resolve().parent / "tools" / "lint_cypher.mjs"
PACKAGE_DIR = REPO_ROOT / "node_modules" / "@neo4j-cypher" / "language-support"

ERROR = 1  # LSP DiagnosticSeverity.Error, as returned by the library
TIMEOUT_SECONDS = 300


def lint_all(paths: list[pathlib.Path]) -> list[dict]:
    """Return every diagnostic (errors, warnings, parameter notices) for ``paths``."""
    if not paths:
        return []
    node = shutil.which("node")
    if node is None:
        raise RuntimeError(
            "Cypher lint needs Node.js: `node` is not on PATH (install Node >= 20)."
        )
    if not PACKAGE_DIR.is_dir():
        raise RuntimeError(
            f"Cypher lint needs the npm package @neo4j-cypher/language-support: "
            f"{PACKAGE_DIR} is missing; run `npm ci` in {REPO_ROOT}."
        )
    cmd = [node, str(SCRIPT), *(str(pathlib.Path(p).resolve()) for p in paths)]
    try:
        proc = subprocess.run(
            cmd,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(
            f"Cypher lint timed out after {TIMEOUT_SECONDS}s: {SCRIPT}"
        ) from exc
    if proc.returncode != 0:
        raise RuntimeError(
            f"Cypher lint tool failed (exit {proc.returncode}): "
            f"{proc.stderr.strip() or proc.stdout.strip()}"
        )
    try:
        diagnostics = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(
            f"Cypher lint tool printed invalid JSON: {proc.stdout[:500]!r}"
        ) from exc
    if not isinstance(diagnostics, list):
        raise RuntimeError(f"Cypher lint tool printed {type(diagnostics).__name__}, not a list")
    return diagnostics


def lint_files(paths: list[pathlib.Path]) -> list[dict]:
    """Return the failures (severity Error, other than undefined parameters) in ``paths``."""
    return [
        d
        for d in lint_all(paths)
        if d.get("severity_code") == ERROR and not d.get("undefined_parameter")
    ]
