"""The ``graphcrm`` command line.

Commands are thin: they open the store, call a service of ``graphcrm`` and
print. ``main`` turns graphcrm's errors into a message and an exit code (2 for
bad input or unknown ids, 1 for a store that fails); no traceback reaches a user
except for a bug.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.markup import escape
from rich.table import Table

from graphcrm import fileformat
from graphcrm.errors import GraphcrmError, InputError, NotFound, StoreConfigError
from graphcrm.importer import load
from graphcrm.model import Dataset
from graphcrm.store import DEFAULT_DB, GraphStore, describe, open_store

__all__ = ["app", "main"]

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
DEMO_DB = "ladybug://./graphcrm-demo.lbug"
PROGRESS_FROM_ROWS = 20_000

app = typer.Typer(
    help="graphcrm: map who decides, who influences whom, and who on our side knows them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


@app.callback()
def _options(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option(
        "--db", help=f"Store URL: ladybug://PATH or neo4j://HOST:PORT [env GRAPHCRM_DB; default {DEFAULT_DB}]",
        show_default=False)] = None,
) -> None:
    ctx.obj = {"db": db}


def _db(ctx: typer.Context) -> str:
    return ctx.obj["db"] or os.environ.get("GRAPHCRM_DB") or DEFAULT_DB


@contextmanager
def _store(url: str) -> Iterator[GraphStore]:
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _progress_bar(label: str) -> Iterator:
    """A rich progress bar that shows itself only for large writes."""
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = None

        def advance(done: int, total: int) -> None:
            nonlocal task
            if total < PROGRESS_FROM_ROWS:
                return
            if task is None:
                task = bar.add_task(label, total=total)
            bar.update(task, completed=done)

        yield advance


def _counts_table(counts: dict[str, int], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("kind")
    table.add_column("records", justify="right")
    for kind, n in counts.items():
        table.add_row(kind, str(n))
    return table


@app.command("load")
def load_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A directory of import CSV files, or one .json file.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
) -> None:
    """Validate and load the import format, all or nothing."""
    with _store(_db(ctx)) as store, _progress_bar("loading") as advance:
        counts = load(path, store, dry_run=dry_run, progress=advance)
    verb = "valid; nothing written (dry run)" if dry_run else f"loaded into {describe(_db(ctx))}"
    out.print(_counts_table(counts, escape(f"{path}: {verb}")))


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="Directory to write (csv), or file or directory (json).")],
    format: Annotated[ExportFormat, typer.Option("--format", help="csv: one file per kind; json: one file.")]
    = ExportFormat.csv,
) -> None:
    """Write the whole store back in the import format."""
    with _store(_db(ctx)) as store:
        data = store.export()
    if format is ExportFormat.csv:
        written = fileformat.write_csv_dir(data, target)
        out.print(f"wrote {len(written)} files to {target}")
    else:
        path = target / "graphcrm.json" if target.is_dir() or not target.suffix else target
        fileformat.write_json(data, path)
        out.print(f"wrote {path}")


@app.command("demo")
def demo_cmd(ctx: typer.Context) -> None:
    """(Re)create the demo store from seeds/ and show what is in it.

    Uses ./graphcrm-demo.lbug unless --db names another store; it never touches
    the store in GRAPHCRM_DB.
    """
    url = ctx.obj["db"] or DEMO_DB
    with _store(url) as store:
        store.clear()
        load(SEEDS_DIR, store)
        counts = store.counts()
        data = store.export()
    out.print(f"[bold]graphcrm demo[/bold] — seeded store {escape(describe(url))}\n")
    out.print(_counts_table(counts, "What is in the store"))
    _print_portfolio(data)


def _print_portfolio(data: Dataset) -> None:
    contacts: dict[str, int] = {}
    for c in data.contacts:
        contacts[c.account_id] = contacts.get(c.account_id, 0) + 1
    accounts = Table(title="Accounts", title_justify="left")
    for col in ("id", "name", "tier", "industry", "contacts"):
        accounts.add_column(col)
    for a in data.accounts:
        accounts.add_row(*map(escape, (a.id, a.name, a.tier, a.industry or "", str(contacts.get(a.id, 0)))))
    out.print(accounts)
    chain: dict[str, int] = {}
    for r in data.bid_roles:
        chain[r.bid_id] = chain.get(r.bid_id, 0) + 1
    bids = Table(title="Open bids", title_justify="left")
    for col in ("id", "account", "name", "stage", "tender date", "decision chain"):
        bids.add_column(col)
    for b in data.bids:
        if b.stage.is_open:
            bids.add_row(*map(escape, (b.id, b.account_id, b.name, b.stage, str(b.tender_date or ""),
                                       f"{chain.get(b.id, 0)} people")))
    out.print(bids)


def main() -> None:
    """Entry point: run the app; graphcrm's errors become a message and an exit code."""
    try:
        app()
    except InputError as e:
        err.print(f"[red]error:[/red] {escape(e.args[0].splitlines()[0])}", highlight=False)
        for issue in e.issues:
            err.print(f"  {issue}", markup=False, highlight=False)
        sys.exit(2)
    except (NotFound, StoreConfigError) as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        sys.exit(2)
    except GraphcrmError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        sys.exit(1)
