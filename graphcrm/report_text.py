"""Human output of the reports: rich renderables that lead with what to do.

Every user-supplied string goes through ``Text`` (never markup), so a name like
``[bold]`` or ``[/]`` prints as written.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from graphcrm.analysis.coverage import CoverageReport
from graphcrm.analysis.departure import DepartureReport
from graphcrm.analysis.gaps import GapsReport, Layers
from graphcrm.analysis.influence import InfluenceReport
from graphcrm.analysis.paths import WarmPath
from graphcrm.model import STANCE_NAMES
from graphcrm.over_time import AccountTrend, BidTrend, ChangesReport, PortfolioTrend, ResultsReport, StaleSoonReport
from graphcrm.search import FindReport
from graphcrm.salesforce import MappingReport
from graphcrm.services import AuditPage, PathsReport, RisksReport

__all__ = ["coverage", "gaps", "influence", "risks", "departure", "paths", "audit", "mapping", "find",
           "stale_soon", "trend", "changes", "results"]

STATUS_STYLE = {"covered": "green", "weak": "yellow", "uncovered": "red"}


def _t(value: object, style: str = "") -> Text:
    return Text("" if value is None else str(value), style=style)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for c in columns:
        table.add_column(c, overflow="fold")
    return table


def _path(p: WarmPath) -> Text:
    return _t(f"{p.rep_id} → {' → '.join(p.via)} ({p.strength:.2f})")


def coverage(r: CoverageReport) -> Iterator[RenderableType]:
    yield _t(f"Pre-tender check of {r.bid_name} ({r.bid_id}) — account {r.account_id}, stage {r.stage}, "
             f"tender {r.tender_date or 'not set'}, as of {r.as_of}", "bold")
    names = {m.contact_id: m.name for m in r.decision_chain}
    flags = _table(f"Red flags ({len(r.red_flags)})", "flag", "who", "why")
    for f in r.red_flags:
        flags.add_row(_t(f.flag, "red"), _t(", ".join(f"{names.get(c, c)} ({c})" for c in f.contact_ids)),
                      _t(f.detail))
    yield flags if r.red_flags else _t("No red flags.", "green")
    todo = _table(f"Uncovered decision-makers ({len(r.uncovered)}) — and the best way in",
                  "contact", "title", "role", "status", "depth", "best warm path")
    for u in r.uncovered:
        todo.add_row(_t(f"{u.name} ({u.contact_id})"), _t(u.title), _t(u.role),
                     _t(u.status, STATUS_STYLE[u.status]), _t(f"{u.best_depth}/{u.required_depth}"),
                     _path(u.warm_paths[0]) if u.warm_paths else _t("none found", "red"))
    yield todo
    yield _t(f"Bus factor: {r.bus_factor}" + ("  ← held by one person" if r.bus_factor == 1 else ""),
             "red" if r.bus_factor <= 1 else "")
    chain = _table("Decision chain", "contact", "role", "influence", "stance", "status", "depth", "holders")
    for m in r.decision_chain:
        stance = "not assessed" if m.stance is None else f"{m.stance:+d} {STANCE_NAMES[m.stance]}"
        chain.add_row(_t(f"{m.name} ({m.contact_id})", "bold" if m.key else ""), _t(m.role),
                      _t(m.influence), _t(stance, "red" if m.opponent else ""),
                      _t(m.status, STATUS_STYLE[m.status]), _t(f"{m.best_depth}/{m.required_depth}"),
                      _t(", ".join(m.holders)))
    yield chain
    yield from _layers(r.gaps)


def _layers(layers: Layers) -> Iterator[RenderableType]:
    table = _table("Depth gaps by layer", "layer", "score", "what to do")
    org = layers.organisational
    rows = [("key", layers.key.score, layers.key.gaps), ("general", layers.general.score, layers.general.gaps),
            ("organisational", org.score, org.gaps)]
    for name, score, gaps in rows:
        shown = "not required" if score is None else f"{score:.0%}"
        actions = "\n".join(g.action for g in gaps) or "nothing"
        table.add_row(_t(name), _t(shown), _t(actions))
    yield table


def gaps(r: GapsReport) -> Iterator[RenderableType]:
    yield _t(f"Depth gaps of {r.name} ({r.account_id}), tier {r.tier}, as of {r.as_of}", "bold")
    if r.layers.general.dark_units:
        yield _t(f"Dark units: {', '.join(r.layers.general.dark_units)}", "red")
    yield from _layers(r.layers)


def influence(r: InfluenceReport) -> Iterator[RenderableType]:
    hidden = [e for e in r.ranking if e.hidden_influencer]
    yield _t(f"Influence in {r.account_id}: {len(hidden)} hidden influencer(s) — "
             + ", ".join(f"{e.name} ({e.contact_id}, {e.level})" for e in hidden), "bold")
    table = _table(f"Contacts by influence score ({len(r.ranking)} shown)", "#", "contact", "title", "level", "score", "")
    for i, e in enumerate(r.ranking, 1):
        table.add_row(_t(i), _t(f"{e.name} ({e.contact_id})"), _t(e.title), _t(e.level), _t(f"{e.score:.4f}"),
                      _t("hidden influencer", "magenta") if e.hidden_influencer else _t(""))
    yield table


def risks(r: RisksReport) -> Iterator[RenderableType]:
    one = [a for a in r.accounts if a.held_by_one]
    yield _t(f"{len(one)} account(s) held by one person, as of {r.as_of}", "bold red" if one else "bold")
    table = _table("Accounts, riskiest first", "account", "name", "tier", "bus factor", "key covered",
                   "top holder", "share", "single-holder contacts")
    for a in r.accounts:
        table.add_row(_t(a.account_id), _t(a.name), _t(a.tier), _t(a.bus_factor, "red" if a.held_by_one else ""),
                      _t(f"{a.covered_key_contacts}/{a.key_contacts}"),
                      _t(f"{a.top_holder_name} ({a.top_holder_id})" if a.top_holder_id else "—"),
                      _t(f"{a.top_holder_share:.0%}"), _t(", ".join(a.single_holder_contacts)))
    yield table


def departure(r: DepartureReport) -> Iterator[RenderableType]:
    state = "" if r.active else " (already inactive: holds nothing)"
    yield _t(f"If {r.name} ({r.rep_id}) left{state}, as of {r.as_of}:", "bold")
    table = _table("Accounts", "account", "name", "tier", "orphaned contacts", "key contacts lost",
                   "bus factor before → after")
    for a in r.accounts:
        table.add_row(_t(a.account_id), _t(a.name), _t(a.tier), _t(", ".join(a.orphaned_contacts)),
                      _t(", ".join(a.uncovered_key_contacts), "red"),
                      _t(f"{a.bus_factor_before} → {a.bus_factor_after}"))
    yield table


def paths(r: PathsReport) -> Iterator[RenderableType]:
    yield _t(f"Ways to reach {r.name} ({r.contact_id}) in {r.account_id}: {r.status}, best depth "
             f"{r.best_depth} of {r.required_depth} required, as of {r.as_of}", "bold")
    table = _table("Strongest warm paths", "rep", "via", "strength")
    for p in r.warm_paths:
        table.add_row(_t(p.rep_id), _t(" → ".join(p.via)), _t(f"{p.strength:.3f}"))
    yield table if r.warm_paths else _t("No warm path: nobody on our side is close to anyone around them.", "red")


def audit(page: AuditPage) -> Iterator[RenderableType]:
    """The audit trail as a table; an update shows each changed field old → new."""
    table = _table(f"Audit trail: {len(page.data)} of {page.count} entries, newest first",
                   "at (UTC)", "who", "via", "action", "record", "account", "changes")
    for e in page.data:
        before, after = e.before or {}, e.after or {}
        changes = "; ".join(f"{f}: {before.get(f, '–')} → {after.get(f, '–')}" for f in e.changed()) \
            if e.action.value == "update" else ""
        if e.action.value == "restore":
            changes = f"{after.get('entries')} entries restored"
        table.add_row(_t(f"{e.at:%Y-%m-%d %H:%M:%S}"), _t(e.actor), _t(e.via), _t(e.action.value),
                      _t(f"{e.kind} {e.key}"), _t(e.account_id), _t(changes))
    yield table


def find(r: FindReport) -> Iterator[RenderableType]:
    """What ``find`` found, a table of each kind's hits by name."""
    if not r.hits:
        yield _t(f"Nothing is called {r.text!r}.", "red")
        return
    table = _table(f"Found {r.text!r}", "kind", "name", "id", "", "account")
    for h in r.hits:
        table.add_row(_t(h.kind), _t(h.name), _t(h.id), _t(h.detail or ""), _t(h.account_id or ""))
    yield table
    cut = [kind for kind, more in r.more.items() if more]
    if cut:
        yield _t(f"More {', '.join(cut)} hits than shown: --limit, or a longer text.", "dim")


def mapping(report: MappingReport) -> Iterator[RenderableType]:
    """A Salesforce mapping report: what was read and made, then what could not be mapped."""
    counts = _table("Salesforce export → import format", "read", "rows", "made", "records")
    read, made = list(report.read.items()), list(report.made.items())
    for i in range(max(len(read), len(made))):
        r, m = read[i] if i < len(read) else ("", ""), made[i] if i < len(made) else ("", "")
        counts.add_row(_t(r[0]), _t(r[1]), _t(m[0]), _t(m[1]))
    yield counts
    if report.unmapped:
        table = _table("Values the mapping does not know (add them to a --mapping file)",
                       "kind", "field", "value", "rows", "so")
        for u in report.unmapped:
            table.add_row(_t(u.kind), _t(u.source), _t(u.value), _t(u.count), _t(u.outcome, "yellow"))
        yield table
    for title, items in (("Defaults used", report.defaults), ("Rows left out", report.skipped)):
        if items:
            table = _table(title, "what", "rows")
            for c in items:
                table.add_row(_t(c.what), _t(c.count))
            yield table


def stale_soon(r: StaleSoonReport) -> Iterator[RenderableType]:
    table = _table(f"Key relationships that lose a level within {r.within_days} days of {r.as_of} unless "
                   f"they meet ({len(r.relationships)})", "on", "account", "rep", "contact", "depth",
                   "last contact", "covered after")
    for s in r.relationships:
        table.add_row(_t(f"{s.stale_on} ({s.days_left} d)"), _t(s.account_id), _t(f"{s.rep_name} ({s.rep_id})"),
                      _t(f"{s.contact_name} ({s.contact_id})"), _t(f"{s.effective_depth} → {s.effective_depth_after}"),
                      _t(s.last_contact), _t("no", "red") if s.loses_coverage else _t("yes"))
    yield table if r.relationships else _t(f"Nothing goes stale within {r.within_days} days.", "green")


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def trend(r: AccountTrend | BidTrend | PortfolioTrend) -> Iterator[RenderableType]:
    if isinstance(r, AccountTrend):
        table = _table(f"Account {r.account_id}, month by month", "month", "bus factor", "key", "general",
                       "organisational")
        for p in r.months:
            table.add_row(_t(p.month), _t("—" if p.bus_factor is None else p.bus_factor), _t(_score(p.key)),
                          _t(_score(p.general)), _t(_score(p.organisational)))
    elif isinstance(r, BidTrend):
        table = _table(f"Bid {r.bid_id}, coverage month by month (tender {r.tender_date or 'not set'})",
                       "month", "key contacts covered", "coverage")
        for p in r.months:
            table.add_row(_t(p.month), _t("—" if p.key_contacts is None else f"{p.covered}/{p.key_contacts}"),
                          _t(_score(p.coverage)))
    else:
        table = _table("Portfolio, month by month", "month", "accounts", "held by one person")
        for p in r.months:
            table.add_row(_t(p.month), _t(p.accounts), _t(p.held_by_one))
    yield table


def changes(r: ChangesReport) -> Iterator[RenderableType]:
    yield _t(f"What changed from the end of {r.since} to the end of {r.until}", "bold")
    if not r.accounts:
        yield _t("Nothing changed.", "green")
    for a in r.accounts:
        table = _table(f"{a.name} ({a.account_id})", "what", "who", "audit entries")
        if a.bus_factor:
            table.add_row(_t("bus factor"), _t(f"{a.bus_factor.before} → {a.bus_factor.after}"),
                          _t(len(a.bus_factor.entries)))
        for k in a.key_contacts:
            table.add_row(_t(f"{k.change.replace('_', ' ')} in {k.bid_id}", "green" if k.change == "newly_covered"
                             else "red"), _t(f"{k.contact_name} ({k.contact_id})"), _t(len(k.entries)))
        for f in a.red_flags:
            table.add_row(_t(f"{f.flag} {f.change} in {f.bid_id}", "red" if f.change == "appeared" else "green"),
                          _t(", ".join(f.contact_ids)), _t(len(f.entries)))
        for s in a.went_stale:
            table.add_row(_t("went stale", "yellow"), _t(f"{s.rep_name} → {s.contact_name} "
                                                         f"({s.effective_depth_before} → {s.effective_depth_after})"),
                          _t(len(s.entries) or "time passed"))
        for m in a.team:
            table.add_row(_t(f"{m.change} the team"), _t(f"{m.rep_name} ({m.rep_id})"), _t(len(m.entries)))
        yield table


def results(r: ResultsReport) -> Iterator[RenderableType]:
    for title, rows in (("Win rate by coverage at the tender", r.by_coverage),
                        ("Win rate by bus factor at the tender", r.by_bus_factor)):
        table = _table(title, "band", "bids", "won", "win rate")
        for b in rows:
            table.add_row(_t(b.band), _t(b.bids), _t(b.won), _t(_score(b.win_rate)))
        yield table
    if r.not_known:
        yield _t(f"Not known at their tender date (left out): {', '.join(r.not_known)}")
