"""The ``graphcrm`` command line.

Commands are thin: they open the store, call a service of ``graphcrm`` and
print. ``main`` turns graphcrm's errors into a message and an exit code (2 for
bad input or unknown ids, 1 for a store that fails); no traceback reaches a user
except for a bug.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.markup import escape
from rich.table import Table

from graphcrm import (access, digest_text, fileformat, generate, history, management, over_time, report_text,
                     search, services)
from graphcrm.analysis import trends
from graphcrm.audit import Actor, bound_utc
from graphcrm.errors import GraphcrmError, InputError, NotFound, StoreConfigError
from graphcrm.importer import load
from graphcrm.model import Account, ApiRole, Dataset, Tier
from graphcrm.policy import Policy, load_policy
from graphcrm.store import DEFAULT_DB, GraphStore, describe, open_store

__all__ = ["app", "main"]

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
DEMO_DB = "ladybug://./graphcrm-demo.lbug"
DEMO_AS_OF = dt.date(2026, 11, 15)
"""The seeds are a snapshot as of this day (seeds/README.md)."""
DEMO_BID = "bid-jnm-5g-core-2026"
SEED_HISTORY_VIA = "seed history"
"""How the seeds' trail (seeds/history/audit.csv, scripts/seed_history.py) says its entries were written."""
PROGRESS_FROM_ROWS = 20_000

app = typer.Typer(
    help="graphcrm: map who decides, who influences whom, and who on our side knows them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)


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


def _ladybug_file(url: str) -> Path | None:
    scheme, _, rest = url.partition("://")
    return Path(rest).expanduser() if scheme == "ladybug" and rest else None


def _read_db(ctx: typer.Context) -> str:
    """The store a command that only reads uses. It never creates a store file:
    an embedded store that does not exist is an error that says how to make
    one — except that, with no store chosen (no ``--db``, no ``GRAPHCRM_DB``)
    and no ``./graphcrm.lbug`` yet, the demo store ``make demo`` built is read
    (and a note on stderr says so), so that the README's examples work after
    ``make demo`` as written."""
    url = _db(ctx)
    path = _ladybug_file(url)
    if path is None or path.exists():
        return url
    demo = _ladybug_file(DEMO_DB)
    if url == DEFAULT_DB and demo is not None and demo.exists():
        err.print(f"[dim]reading the demo store {escape(describe(DEMO_DB))} ({escape(str(path))} does not exist; "
                  f"--db or GRAPHCRM_DB choose a store)[/dim]", highlight=False)
        return DEMO_DB
    raise StoreConfigError(f"no store at {path}: nothing has been loaded there yet — load data with "
                           f"`graphcrm load DIR`, build the demo with `graphcrm demo`, or choose a store with --db")


@contextmanager
def _store(url: str) -> Iterator[GraphStore]:
    """The store ``url`` names, closed afterwards; an unknown id's error says
    which store was read."""
    store = open_store(url)
    try:
        yield store
    except NotFound as e:
        e.args = (f"{e} in the store {describe(url)}",)
        raise
    finally:
        store.close()


@contextmanager
def _progress_bar(label: str, threshold: int = PROGRESS_FROM_ROWS) -> Iterator:
    """A rich progress bar that shows itself only for large jobs (``threshold`` items)."""
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = None

        def advance(done: int, total: int) -> None:
            nonlocal task
            if total < threshold:
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


def _note(text: str) -> None:
    err.print(f"[yellow]note:[/yellow] {escape(text)}", highlight=False)


@app.command("load")
def load_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A directory of import CSV files, one .json file or one .xlsx workbook.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
) -> None:
    """Validate and load the import format, all or nothing."""
    with _store(_db(ctx)) as store, _progress_bar("loading") as advance:
        counts = load(path, store, dry_run=dry_run, progress=advance, actor=Actor.os_user("cli load"), notify=_note)
    verb = "valid; nothing written (dry run)" if dry_run else f"loaded into {describe(_db(ctx))}"
    out.print(_counts_table(counts, escape(f"{path}: {verb}")))


@app.command("generate")
def generate_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the import CSV files to.")],
    accounts: Annotated[int, typer.Option("--accounts", min=1, help="Number of customer accounts.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same arguments give the same files.")] = 1,
    as_of: Annotated[str, typer.Option("--as-of", help="Snapshot day YYYY-MM-DD that dates count back from.")]
    = generate.DEFAULT_AS_OF.isoformat(),
) -> None:
    """Write a synthetic portfolio in the import format (for benchmarks; `load` reads it)."""
    day = _as_of(as_of)
    with _progress_bar("generating", threshold=1_000) as advance:
        counts = generate.generate(out_dir, accounts, seed=seed, as_of=day, progress=advance)
    out.print(_counts_table(counts, escape(f"{out_dir}: {accounts} accounts, seed {seed}, as of {day}")))


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    graphml = "graphml"
    gexf = "gexf"
    neo4j_admin = "neo4j-admin"


_GRAPH_FORMATS = (ExportFormat.graphml, ExportFormat.gexf, ExportFormat.neo4j_admin)


def _export_file(target: Path, suffix: str) -> Path:
    """The file to write: ``target`` itself, or ``graphcrm.<suffix>`` in it when it is a directory."""
    return target / f"graphcrm.{suffix}" if target.is_dir() or not target.suffix else target


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="Directory to write (csv, neo4j-admin), or file or directory "
                                                "(json, xlsx, graphml, gexf).")],
    format: Annotated[ExportFormat, typer.Option(
        "--format", help="csv: one file per kind; json: one file; xlsx: one sheet per kind (these three load "
                         "back); graphml, gexf: the graph for Gephi or yEd; neo4j-admin: the CSV files of "
                         "neo4j-admin database import.")] = ExportFormat.csv,
    account: Annotated[Optional[str], typer.Option(
        "--account", help="Only this account's graph (graphml, gexf, neo4j-admin).")] = None,
) -> None:
    """Write the whole store back in the import format (with its audit trail), or as graph files."""
    from graphcrm import graphfiles

    if account is not None and format not in _GRAPH_FORMATS:
        raise typer.BadParameter("only the graph formats (graphml, gexf, neo4j-admin) take --account",
                                 param_hint="--account")
    with _store(_read_db(ctx)) as store:
        if account is not None:
            data, trail = store.account_data(account), None
            if data is None:
                raise NotFound("account", account)
        elif format in _GRAPH_FORMATS:
            data, trail = store.export(), None
        else:
            data, trail = store.snapshot()
    if format is ExportFormat.csv:
        written = fileformat.write_csv_dir(data, target, trail)
        out.print(f"wrote {len(written)} files to {escape(str(target))}")
    elif format is ExportFormat.neo4j_admin:
        written = graphfiles.write_neo4j_admin(data, target)
        out.print(f"wrote {len(written)} files to {escape(str(target))}; load them into an empty database with:")
        sys.stdout.write(f"  cd {target} && {graphfiles.neo4j_admin_command(written)}\n")
    else:
        path = _export_file(target, format.value)
        if format is ExportFormat.json:
            fileformat.write_json(data, path, trail)
        elif format is ExportFormat.xlsx:
            from graphcrm.workbook import write_xlsx

            write_xlsx(data, path, trail)
        elif format is ExportFormat.graphml:
            graphfiles.write_graphml(data, path)
        else:
            graphfiles.write_gexf(data, path)
        out.print(f"wrote {escape(str(path))}")


import_app = typer.Typer(help="Bring data from other systems into the store (all or nothing, as load).",
                         no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("salesforce")
def import_salesforce(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="A Salesforce data export: Account.csv, Contact.csv, User.csv, "
                                                   "AccountTeamMember.csv, Opportunity.csv, "
                                                   "OpportunityContactRole.csv, Event.csv, Task.csv.")],
    mapping: Annotated[Optional[Path], typer.Option(
        "--mapping", help="A TOML file of fields and picklist values, laid over the default mapping.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Map and validate only; write nothing.")] = False,
    json: JsonOpt = False,
) -> None:
    """Map a Salesforce data export into the import format and load it, all or nothing."""
    from graphcrm import salesforce
    from graphcrm.importer import load_source

    rules = salesforce.load_mapping(mapping)
    export, notes = salesforce.read_export(directory)
    for note in notes:
        _note(note)
    tables, report = salesforce.map_export(export, rules)
    _emit(report, json, report_text.mapping)
    source = salesforce.to_source(tables)
    with _store(_db(ctx)) as store, _progress_bar("loading") as advance:
        counts = load_source(source, store, dry_run, advance, actor=Actor.os_user("cli import salesforce"))
    verb = "valid; nothing written (dry run)" if dry_run else f"loaded into {describe(_db(ctx))}"
    (err if json else out).print(_counts_table(counts, escape(f"{directory}: {verb}")))


@app.command("format")
def format_cmd() -> None:
    """Print the import format: every file, column, type and allowed value (docs/format.md)."""
    from graphcrm.format_reference import reference

    sys.stdout.write(reference())


def _as_of(value: Optional[str]) -> dt.date:
    return dt.date.today() if value is None else _day(value, "--as-of")


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"not a date YYYY-MM-DD: {value!r}", param_hint=option) from None


def _known_at(value: Optional[str]) -> Optional[dt.datetime]:
    """``--known-at``: a day (its end) or a time, UTC; None: now."""
    if value is None:
        return None
    try:
        return history.parse_time(value)
    except ValueError:
        raise typer.BadParameter(f"not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC): {value!r}",
                                 param_hint="--known-at") from None


JsonOpt = Annotated[bool, typer.Option("--json", help="Machine output (JSON).")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="Judge relationships as of YYYY-MM-DD [default: today].")]
PolicyOpt = Annotated[Optional[Path], typer.Option("--policy", help="Policy TOML file [env GRAPHCRM_POLICY].")]
KnownAtOpt = Annotated[Optional[str], typer.Option(
    "--known-at", help="The records as the store held them at this day's end or time (UTC), rebuilt from the "
                       "audit trail [default: now].")]


def _emit(report, as_json: bool, render) -> None:
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        for part in render(report):
            out.print(part)


def _analyse(ctx: typer.Context, service, render, subject: str, as_json: bool, as_of: Optional[str],
             policy: Optional[Path], known_at: Optional[str]) -> None:
    """Run ``service(store, subject, as_of, policy, known_at=…)`` and print its report."""
    pol, day, known = load_policy(policy), _as_of(as_of), _known_at(known_at)
    with _store(_read_db(ctx)) as store:
        report = service(store, subject, day, pol, known_at=known)
    _emit(report, as_json, render)


@app.command("check")
def check_cmd(ctx: typer.Context, bid_id: str, json: JsonOpt = False, as_of: AsOfOpt = None,
              policy: PolicyOpt = None, known_at: KnownAtOpt = None) -> None:
    """Pre-tender coverage check of a bid: red flags, uncovered decision-makers, warm paths."""
    _analyse(ctx, services.check, report_text.coverage, bid_id, json, as_of, policy, known_at)


@app.command("gaps")
def gaps_cmd(ctx: typer.Context, account_id: str, json: JsonOpt = False, as_of: AsOfOpt = None,
             policy: PolicyOpt = None, known_at: KnownAtOpt = None) -> None:
    """Relationship-depth gaps of an account, layer by layer, with what to do."""
    _analyse(ctx, services.account_gaps, report_text.gaps, account_id, json, as_of, policy, known_at)


@app.command("influence")
def influence_cmd(ctx: typer.Context, account_id: str, json: JsonOpt = False, as_of: AsOfOpt = None,
                  policy: PolicyOpt = None, known_at: KnownAtOpt = None) -> None:
    """An account's contacts by influence score; hidden influencers marked."""
    pol, known = load_policy(policy), _known_at(known_at)
    _as_of(as_of)  # accepted for symmetry: influence does not depend on the date
    with _store(_read_db(ctx)) as store:
        report = services.account_influence(store, account_id, pol, known_at=known)
    _emit(report, json, report_text.influence)


def _tiers(value: Optional[str]) -> list[str] | None:
    if not value:
        return None
    tiers = [t.strip().upper() for t in value.split(",") if t.strip()]
    bad = [t for t in tiers if t not in Tier.__members__]
    if bad:
        raise typer.BadParameter(f"unknown tier {', '.join(bad)} (use S, A, B, C)", param_hint="--tier")
    return tiers


@app.command("risks")
def risks_cmd(
    ctx: typer.Context, json: JsonOpt = False, as_of: AsOfOpt = None, policy: PolicyOpt = None,
    tier: Annotated[Optional[str], typer.Option("--tier", help="Only these tiers, e.g. S,A.")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Only the N riskiest.")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", min=1, help="Processes [default: cores].")] = None,
    known_at: KnownAtOpt = None,
) -> None:
    """Portfolio: accounts by single-person dependency (bus factor), riskiest first."""
    pol, day, tiers, known = load_policy(policy), _as_of(as_of), _tiers(tier), _known_at(known_at)
    with _store(_read_db(ctx)) as store, _progress_bar("accounts", threshold=500) as advance:
        report = services.risks(store, day, pol, tiers=tiers, limit=limit, jobs=jobs, progress=advance,
                                known_at=known)
    _emit(report, json, report_text.risks)


@app.command("departure")
def departure_cmd(ctx: typer.Context, rep_id: str, json: JsonOpt = False, as_of: AsOfOpt = None,
                  policy: PolicyOpt = None, known_at: KnownAtOpt = None) -> None:
    """What walks out of the door if a rep leaves."""
    _analyse(ctx, services.departure, report_text.departure, rep_id, json, as_of, policy, known_at)


@app.command("paths")
def paths_cmd(ctx: typer.Context, contact_id: str, json: JsonOpt = False, as_of: AsOfOpt = None,
              policy: PolicyOpt = None, known_at: KnownAtOpt = None) -> None:
    """The strongest warm paths from our reps to a contact."""
    _analyse(ctx, services.contact_paths, report_text.paths, contact_id, json, as_of, policy, known_at)


WithinOpt = Annotated[int, typer.Option("--within", min=1, max=3660, help="Days ahead to look.")]
MonthsOpt = Annotated[int, typer.Option("--months", min=1, max=240, help="How many months, up to the last.")]


def _day(value: str, option: str, base: dt.date | None = None) -> dt.date:
    """A day YYYY-MM-DD, or ``Nd``: N days before ``base`` (default today)."""
    try:
        return history.parse_day(value, base or dt.date.today())
    except ValueError:
        raise typer.BadParameter(f"not a date YYYY-MM-DD or a number of days back (7d): {value!r}",
                                 param_hint=option) from None


AccountOpt = Annotated[Optional[str], typer.Option("--account", help="This account only.")]
RepOpt = Annotated[Optional[str], typer.Option("--rep", help="The accounts on this rep's team only.")]


def _one_of(account: Optional[str], rep: Optional[str]) -> None:
    if account and rep:
        raise typer.BadParameter("give --account or --rep, not both", param_hint="--rep")


@app.command("stale-soon")
def stale_soon_cmd(
    ctx: typer.Context, json: JsonOpt = False, as_of: AsOfOpt = None, policy: PolicyOpt = None,
    known_at: KnownAtOpt = None, within: WithinOpt = over_time.DEFAULT_WITHIN,
    account: Annotated[Optional[str], typer.Option("--account", help="This account's key contacts only.")] = None,
    bid: Annotated[Optional[str], typer.Option("--bid", help="This bid's key contacts only.")] = None,
) -> None:
    """Key contacts' relationships that lose a level within N days unless somebody meets them."""
    pol, day, known = load_policy(policy), _as_of(as_of), _known_at(known_at)
    with _store(_read_db(ctx)) as store:
        if account is not None and not store.lookup(Account, [account]):
            raise NotFound("account", account)
        report = over_time.stale_soon(store, day, pol, within, account_ids=[account] if account else None,
                                      bid_id=bid, known_at=known)
    _emit(report, json, report_text.stale_soon)


trend_app = typer.Typer(help="Month by month: an account's bus factor and layer scores, a bid's coverage, "
                             "the portfolio's accounts held by one person.", no_args_is_help=True)
app.add_typer(trend_app, name="trend")


def _trend(ctx: typer.Context, make, as_json: bool, policy: Optional[Path], as_of: Optional[str]) -> None:
    pol, day = load_policy(policy), _as_of(as_of)
    with _store(_read_db(ctx)) as store:
        report = make(store, pol, day)
    _emit(report, as_json, report_text.trend)


@trend_app.command("account")
def trend_account(ctx: typer.Context, account_id: str, months: MonthsOpt = trends.DEFAULT_MONTHS,
                  json: JsonOpt = False, as_of: AsOfOpt = None, policy: PolicyOpt = None) -> None:
    """An account's bus factor and three layer scores at each of the last N months (the last: --as-of)."""
    _trend(ctx, lambda s, p, d: over_time.account_trend(s, account_id, p, months, d), json, policy, as_of)


@trend_app.command("bid")
def trend_bid(ctx: typer.Context, bid_id: str, months: MonthsOpt = trends.DEFAULT_MONTHS,
              json: JsonOpt = False, as_of: AsOfOpt = None, policy: PolicyOpt = None) -> None:
    """A bid's coverage (share of key contacts covered) per month until its tender date."""
    _trend(ctx, lambda s, p, d: over_time.bid_trend(s, bid_id, p, months, d), json, policy, as_of)


@trend_app.command("portfolio")
def trend_portfolio(ctx: typer.Context, months: MonthsOpt = trends.DEFAULT_MONTHS,
                    json: JsonOpt = False, as_of: AsOfOpt = None, policy: PolicyOpt = None,
                    jobs: JobsOpt = None) -> None:
    """The number of accounts held by one person at each of the last N months."""
    _trend(ctx, lambda s, p, d: over_time.portfolio_trend(s, p, months, d, jobs=jobs), json, policy, as_of)


@app.command("changes")
def changes_cmd(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="From the end of this day (YYYY-MM-DD, or 7d: a week ago).")],
    until: Annotated[Optional[str], typer.Option("--until", help="To the end of this day [default: today].")] = None,
    account: AccountOpt = None, rep: RepOpt = None,
    json: JsonOpt = False, policy: PolicyOpt = None,
) -> None:
    """What changed in a period: coverage of key contacts, bus factors, red flags, stale relationships, teams."""
    _one_of(account, rep)
    end = _day(until, "--until") if until else dt.date.today()
    start = _day(since, "--since", end)
    if end < start:
        raise typer.BadParameter(f"--until {end} is before --since {start}", param_hint="--until")
    with _store(_read_db(ctx)) as store:
        report = over_time.changes(store, start, end, load_policy(policy), account_id=account, rep_id=rep)
    _emit(report, json, report_text.changes)


@app.command("results")
def results_cmd(ctx: typer.Context, json: JsonOpt = False, policy: PolicyOpt = None) -> None:
    """Won and lost bids: coverage as of their tender date (known then) against the outcome."""
    with _store(_read_db(ctx)) as store:
        report = over_time.results(store, load_policy(policy))
    _emit(report, json, report_text.results)


class DigestFormat(StrEnum):
    md = "md"
    html = "html"


@app.command("digest")
def digest_cmd(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="New red flags since the end of this day "
                                                        "(YYYY-MM-DD, or 7d: a week ago).")] = "7d",
    account: AccountOpt = None, rep: RepOpt = None,
    format: Annotated[DigestFormat, typer.Option("--format", help="md: Markdown; html: a self-contained page.")]
    = DigestFormat.md,
    within: WithinOpt = over_time.DEFAULT_WITHIN,
    as_of: AsOfOpt = None, policy: PolicyOpt = None, output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", help="Write to this file [default: standard output].")] = None,
) -> None:
    """The weekly account review: new red flags, relationships going stale, tenders due with uncovered key contacts."""
    _one_of(account, rep)
    end = _as_of(as_of)
    start = _day(since, "--since", end)
    with _store(_read_db(ctx)) as store:
        report = over_time.digest(store, start, end, load_policy(policy), account_id=account, rep_id=rep,
                                  within=within)
    if format is DigestFormat.md:
        text = digest_text.markdown(report)
    else:
        from viz.digest import render_digest

        text = render_digest(report)
    if output is None:
        sys.stdout.write(text)
    else:
        _write_page(text, output, str(output))


@app.command("handover")
def handover_cmd(ctx: typer.Context, rep_id: str, json: JsonOpt = False, as_of: AsOfOpt = None,
                 policy: PolicyOpt = None, known_at: KnownAtOpt = None) -> None:
    """What a leaving rep hands over: each relationship with its successor, and the open bids."""
    _analyse(ctx, services.handover, report_text.handover, rep_id, json, as_of, policy, known_at)


JobsOpt = Annotated[Optional[int], typer.Option("--jobs", min=1, help="Processes [default: cores].")]


@app.command("plans")
def plans_cmd(
    ctx: typer.Context,
    account_id: Annotated[Optional[str], typer.Argument(help="Only this account's plans.")] = None,
    rep: Annotated[Optional[str], typer.Option("--rep", help="Only the plans this rep owns.")] = None,
    json: JsonOpt = False, as_of: AsOfOpt = None, policy: PolicyOpt = None, jobs: JobsOpt = None,
    known_at: KnownAtOpt = None,
) -> None:
    """Relationship-improvement plans: done, open or overdue, and their completion."""
    pol, day, known = load_policy(policy), _as_of(as_of), _known_at(known_at)
    with _store(_read_db(ctx)) as store:
        report = management.plans(store, day, pol, account_id=account_id, rep_id=rep, jobs=jobs, known_at=known)
    _emit(report, json, report_text.plans)


@app.command("plan-gap")
def plan_gap_cmd(
    ctx: typer.Context,
    account_id: str,
    kind: Annotated[str, typer.Argument(help="The gap's kind, as `gaps` lists it (key_contact, dark_unit …).")],
    subject: Annotated[Optional[str], typer.Argument(help="The gap's subject id (a contact, a unit), if it has one.")] = None,
    owner: Annotated[str, typer.Option("--owner", help="The rep who owns the plan.")] = ...,
    due: Annotated[str, typer.Option("--due", help="Due day YYYY-MM-DD.")] = ...,
    plan_id: Annotated[Optional[str], typer.Option("--id", help="The plan's id [default: derived from the gap].")] = None,
    as_of: AsOfOpt = None, policy: PolicyOpt = None,
) -> None:
    """Make one of the actions `gaps` suggests a plan, in one step (created: --as-of, default today)."""
    pol, day, due_day = load_policy(policy), _as_of(as_of), _day(due, "--due")
    with _store(_db(ctx)) as store:
        plan = management.plan_from_gap(store, account_id, kind, subject, owner, day, due_day, pol, plan_id,
                                        actor=Actor.os_user("cli plan-gap"))
    out.print(f"created plan {escape(plan.id)}: {plan.goal} {escape(plan.target)} ({plan.layer}), "
              f"owner {escape(plan.owner_rep_id)}, due {plan.due}", highlight=False)


@app.command("cadence")
def cadence_cmd(
    ctx: typer.Context,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=520, help="Complete ISO weeks to look back.")] = 4,
    json: JsonOpt = False, as_of: AsOfOpt = None, policy: PolicyOpt = None, jobs: JobsOpt = None,
    known_at: KnownAtOpt = None,
) -> None:
    """Customer meetings per rep and ISO week against the target, and neglected accounts."""
    pol, day, known = load_policy(policy), _as_of(as_of), _known_at(known_at)
    with _store(_read_db(ctx)) as store:
        report = management.cadence(store, day, pol, weeks=weeks, jobs=jobs, known_at=known)
    _emit(report, json, report_text.cadence)


@app.command("completeness")
def completeness_cmd(
    ctx: typer.Context,
    account_id: Annotated[Optional[str], typer.Argument(help="Only this account.")] = None,
    json: JsonOpt = False, as_of: AsOfOpt = None, policy: PolicyOpt = None, jobs: JobsOpt = None,
    known_at: KnownAtOpt = None,
) -> None:
    """How complete each account's information is, and what is missing."""
    pol, day, known = load_policy(policy), _as_of(as_of), _known_at(known_at)
    with _store(_read_db(ctx)) as store:
        report = management.completeness(store, day, pol, account_id=account_id, jobs=jobs, known_at=known)
    _emit(report, json, report_text.completeness)


@app.command("measures")
def measures_cmd(ctx: typer.Context, json: JsonOpt = False, as_of: AsOfOpt = None, policy: PolicyOpt = None,
                 jobs: JobsOpt = None, known_at: KnownAtOpt = None) -> None:
    """The method's three measures — completeness, plan completion, satisfaction — per account, rep, portfolio."""
    pol, day, known = load_policy(policy), _as_of(as_of), _known_at(known_at)
    with _store(_read_db(ctx)) as store:
        report = management.measures(store, day, pol, jobs=jobs, known_at=known)
    _emit(report, json, report_text.measures)


@app.command("find")
def find_cmd(ctx: typer.Context, text: str, json: JsonOpt = False,
             limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="At most this many of each kind.")] = 20,
             ) -> None:
    """Find accounts, contacts (by name or title), bids and reps whose name holds TEXT."""
    with _store(_read_db(ctx)) as store:
        report = search.find(store, text, limit=limit)
    _emit(report, json, report_text.find)


keys_app = typer.Typer(help="API keys: create (the key is shown once), list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    ctx: typer.Context,
    role: Annotated[ApiRole, typer.Option("--role", help="admin: everything; manager: read all; member: a rep's accounts.")],
    rep: Annotated[Optional[str], typer.Option("--rep", help="The rep a member key is bound to.")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Who or what uses the key.")] = None,
) -> None:
    """Create an API key and print it: it is stored only as a hash and never shown again."""
    with _store(_db(ctx)) as store:
        token, key = access.create_key(store, role.value, name or f"{role.value} key", rep,
                                       actor=Actor.os_user("cli keys"))
    err.print(f"created key {escape(key.id)} ({key.role}{', rep ' + escape(key.rep_id) if key.rep_id else ''}); "
              "copy it now, it is not shown again:", highlight=False)
    sys.stdout.write(token + "\n")


@keys_app.command("list")
def keys_list(ctx: typer.Context) -> None:
    """List API keys (never their secrets)."""
    with _store(_read_db(ctx)) as store:
        keys = store.api_keys()
    table = Table(title="API keys", title_justify="left")
    for col in ("id", "name", "role", "rep", "created", "revoked"):
        table.add_column(col)
    for k in keys:
        table.add_row(*map(escape, (k.id, k.name, k.role, k.rep_id or "", str(k.created), str(k.revoked or ""))))
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(ctx: typer.Context, key_id: str) -> None:
    """Revoke an API key: it stops working at once."""
    with _store(_db(ctx)) as store:
        access.revoke_key(store, key_id, Actor.os_user("cli keys"))
    out.print(f"revoked {escape(key_id)}")


def _moment(value: Optional[str], option: str) -> Optional[dt.datetime]:
    if value is None:
        return None
    try:
        return bound_utc(dt.datetime.fromisoformat(value))
    except ValueError:
        raise typer.BadParameter(f"not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC): {value!r}",
                                 param_hint=option) from None


@app.command("audit")
def audit_cmd(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option("--since", help="Entries at or after this day or time (UTC).")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Entries before this day or time (UTC).")] = None,
    account: Annotated[Optional[str], typer.Option("--account", help="Entries of this account only.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Entries about this kind of record only "
                                                                "(contact, relationship, api_key …).")] = None,
    key: Annotated[Optional[str], typer.Option("--key", help="Entries about this record only (its id, or "
                                                              "rep_id/contact_id …).")] = None,
    via: Annotated[Optional[str], typer.Option("--via", help="Entries written this way only (cli load, "
                                                              "api PUT, api import …).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many entries.")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many of the newest first.")] = 0,
    json: JsonOpt = False,
) -> None:
    """Who changed what, and when: the audit trail, newest first."""
    with _store(_read_db(ctx)) as store:
        entries, count = store.audit(_moment(since, "--since"), _moment(until, "--until"), account, kind, key,
                                     offset=offset, limit=limit, via=via)
    _emit(services.AuditPage(data=entries, count=count), json, report_text.audit)


@app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="No API keys (loopback hosts only).")] = False,
    allowed_host: Annotated[Optional[list[str]], typer.Option(
        "--allowed-host", help="A host name clients reach the server by, besides the loopback names and --host "
                               "(repeat for more) [env GRAPHCRM_ALLOWED_HOSTS, comma-separated].")] = None,
    policy: PolicyOpt = None,
) -> None:
    """Serve the HTTP API (one worker: the embedded store belongs to this process)."""
    import uvicorn
    from pydantic import ValidationError

    from api.main import create_app
    from api.settings import Settings

    try:
        extra = {"allowed_hosts": allowed_host} if allowed_host else {}
        settings = Settings(db=_db(ctx), host=host, auth=not no_auth, policy=policy, **extra)
    except ValidationError as e:
        raise typer.BadParameter(e.errors()[0]["msg"].removeprefix("Value error, "), param_hint="--no-auth") from None
    if no_auth:
        err.print("[yellow]warning:[/yellow] serving without API keys: anyone on this machine can read and change "
                  "everything", highlight=False)
    uvicorn.run(create_app(settings), host=host, port=port, workers=1, log_level="info")


render_app = typer.Typer(help="Interactive graph pages (self-contained HTML; open them offline).",
                         no_args_is_help=True)
app.add_typer(render_app, name="render")
OutOpt = Annotated[Optional[Path], typer.Option("-o", "--output", help="The HTML file to write.")]


def _write_page(html: str, output: Optional[Path], default: str) -> None:
    path = output or Path(default)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    out.print(f"wrote {escape(str(path))}")


@render_app.command("bid")
def render_bid(ctx: typer.Context, bid_id: str, output: OutOpt = None, as_of: AsOfOpt = None,
               policy: PolicyOpt = None) -> None:
    """The decision chain of a bid."""
    import viz
    from graphcrm import views

    pol, day = load_policy(policy), _as_of(as_of)
    with _store(_read_db(ctx)) as store:
        view = views.bid_view(store, bid_id, day, pol)
    _write_page(viz.render_decision_chain(view), output, "decision-chain.html")


@render_app.command("account")
def render_account(ctx: typer.Context, account_id: str, output: OutOpt = None, as_of: AsOfOpt = None,
                   policy: PolicyOpt = None) -> None:
    """The account map: contacts by unit, dark units, hidden influencers."""
    import viz
    from graphcrm import views

    pol, day = load_policy(policy), _as_of(as_of)
    with _store(_read_db(ctx)) as store:
        view = views.account_map_view(store, account_id, day, pol)
    _write_page(viz.render_account_map(view), output, "account-map.html")


report_app = typer.Typer(help="A bid's review pack to bring to the review meeting: PDF, workbook or picture.",
                          no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("bid")
def report_bid(ctx: typer.Context, bid_id: str,
               output: Annotated[Path, typer.Option("--output", "-o", help="review.pdf, review.xlsx or chain.png: "
                                                    "the suffix names the format")],
               as_of: AsOfOpt = None, policy: PolicyOpt = None) -> None:
    """A bid's review pack: red flags, the decision-chain picture, uncovered
    decision-makers and their warm paths, the chain, gaps by layer with actions, the
    account's plans. The PDF and PNG are drawn by headless Chromium; the workbook
    needs nothing but openpyxl."""
    from graphcrm.review import FORMATS, review_pack
    from viz.review import write_pack

    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise typer.BadParameter(f"{output}: a review pack is written as .pdf, .xlsx or .png, "
                                 f"not {suffix or 'a file with no suffix'}", param_hint="'-o' / '--output'")
    pol, day = load_policy(policy), _as_of(as_of)
    with _store(_read_db(ctx)) as store:
        pack = review_pack(store, bid_id, day, pol)
    data = write_pack(pack, suffix)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    out.print(f"wrote {escape(str(output))}")


@render_app.command("portfolio")
def render_portfolio(ctx: typer.Context, output: OutOpt = None, as_of: AsOfOpt = None,
                     policy: PolicyOpt = None) -> None:
    """The portfolio map: accounts by bus factor, linked to the reps who hold them."""
    import viz
    from graphcrm import views

    pol, day = load_policy(policy), _as_of(as_of)
    with _store(_read_db(ctx)) as store:
        view = views.portfolio_view(store, day, pol)
    _write_page(viz.render_portfolio_map(view), output, "portfolio-map.html")


@app.command("demo")
def demo_cmd(ctx: typer.Context, reset: Annotated[bool, typer.Option(
        "--reset", help="Rebuild the demo store even after edits (the web UI's, the API's): they are lost.")] = False,
) -> None:
    """(Re)create the demo store from seeds/ and show what is in it.

    Uses ./graphcrm-demo.lbug unless --db names another store; it never touches
    the store in GRAPHCRM_DB. A demo store that was edited since it was built is
    rebuilt only with --reset; a store the demo did not build, never.
    """
    url = ctx.obj["db"] or DEMO_DB
    with _store(url) as store:
        entries, total = store.audit(limit=1)
        demo_writes = store.audit(limit=1, via="cli demo")[1] + store.audit(limit=1, via=SEED_HISTORY_VIA)[1]
        first = store.audit(limit=1, offset=total - 1)[0] if total else []
        if total and first[0].via not in ("cli demo", SEED_HISTORY_VIA):
            raise StoreConfigError(f"{describe(url)} is not a demo store: its audit trail records other writes, and "
                                   "the demo would delete them with everything else; delete it yourself or use a new file")
        if total != demo_writes and not reset:
            raise StoreConfigError(f"the demo store {describe(url)} was edited since it was built "
                                   f"({total - demo_writes} change(s), latest by {entries[0].actor} via {entries[0].via}); "
                                   "`graphcrm demo --reset` rebuilds it and loses them")
        store.clear()
        load(SEEDS_DIR / "history", store, actor=Actor.os_user("cli demo"))  # the year before: the seeds' trail
        load(SEEDS_DIR, store, actor=Actor.os_user("cli demo"))
        counts = store.counts()
        data = store.export()
        policy = Policy()
        check = services.check(store, DEMO_BID, DEMO_AS_OF, policy)
        risks = services.risks(store, DEMO_AS_OF, policy, jobs=1)
        influence = services.account_influence(store, check.account_id, policy)
        pages = _demo_pages(store, check.account_id, policy)
    out.print(f"[bold]graphcrm demo[/bold] — seeded store {escape(describe(url))}, "
              f"analyses as of {DEMO_AS_OF} (the seeds' snapshot day)\n")
    out.print(_counts_table(counts, "What is in the store"))
    _print_portfolio(data)
    out.rule("Pre-tender check of the seeded tender")
    for part in report_text.coverage(check):
        out.print(part)
    out.rule(f"Influence in {escape(check.account_id)}")
    influence.ranking = influence.ranking[:10]
    for part in report_text.influence(influence):
        out.print(part)
    out.rule("Portfolio risks")
    for part in report_text.risks(risks):
        out.print(part)
    out.rule("Interactive graphs (open in a browser; they work offline)")
    for path in pages:
        out.print(f"  {escape(str(path))}")


def _demo_pages(store: GraphStore, account_id: str, policy: Policy) -> list[Path]:
    """Write the three views of the seeded data next to the demo store."""
    import viz
    from graphcrm import views

    folder = Path("graphcrm-demo")
    folder.mkdir(exist_ok=True)
    pages = {
        folder / "decision-chain.html": viz.render_decision_chain(views.bid_view(store, DEMO_BID, DEMO_AS_OF, policy)),
        folder / "account-map.html": viz.render_account_map(views.account_map_view(store, account_id, DEMO_AS_OF, policy)),
        folder / "portfolio-map.html": viz.render_portfolio_map(views.portfolio_view(store, DEMO_AS_OF, policy)),
    }
    for path, html in pages.items():
        path.write_text(html, encoding="utf-8")
    return [p.resolve() for p in pages]


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


def private_files() -> None:
    """Make every file this process creates readable and writable by its owner only
    (the store and its log hold every record and the key hashes; exports too)."""
    os.umask(os.umask(0o077) | 0o077)


def main() -> None:
    """Entry point: run the app; graphcrm's errors become a message and an exit code."""
    private_files()
    try:
        app()
    except InputError as e:
        err.print(f"[red]error:[/red] {escape(e.args[0].splitlines()[0])}", highlight=False)
        for line in [*map(str, e.issues), *e.more]:
            err.print(f"  {line}", markup=False, highlight=False)
        sys.exit(2)
    except (NotFound, StoreConfigError, history.BeforeHistory) as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        sys.exit(2)
    except GraphcrmError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        sys.exit(1)
