"""Human output of the reports: rich renderables that lead with what to do.

Every user-supplied string goes through ``Text`` (never markup), so a name like
``[bold]`` or ``[/]`` prints as written.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from graphcrm.analysis.cadence import CadenceReport
from graphcrm.analysis.completeness import CompletenessReport
from graphcrm.analysis.coverage import CoverageReport
from graphcrm.analysis.departure import DepartureReport, HandoverReport
from graphcrm.analysis.gaps import GapsReport, Layers
from graphcrm.analysis.influence import InfluenceReport
from graphcrm.analysis.paths import WarmPath
from graphcrm.analysis.plans import PlansReport
from graphcrm.management import MeasuresReport
from graphcrm.model import STANCE_NAMES
from graphcrm.over_time import AccountTrend, BidTrend, ChangesReport, PortfolioTrend, ResultsReport, StaleSoonReport
from graphcrm.search import FindReport
from graphcrm.salesforce import MappingReport
from graphcrm.services import AuditPage, PathsReport, RisksReport

__all__ = ["coverage", "gaps", "influence", "risks", "departure", "paths", "audit", "mapping", "find",
           "stale_soon", "trend", "changes", "results", "plans", "cadence", "completeness", "handover", "measures"]

STATUS_STYLE = {"covered": "green", "weak": "yellow", "uncovered": "red"}


def _t(value: object, style: str = "") -> Text:
    return Text("" if value is None else str(value), style=style)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for c in columns:
        table.add_column(c, overflow="fold")
    return table


def _path(p: WarmPath) -> Text:
    text = _t(f"{p.rep_id} → {' → '.join(p.via)} ({p.strength:.2f})")
    if p.through_opponents:
        text.append(f"  ⚠ through opponent(s) {', '.join(p.through_opponents)}", "red")
    return text


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
    if r.completeness is not None and r.completeness.score is not None:
        c = r.completeness
        yield _t(f"Information completeness of the account: {c.score:.0%} — "
                 + (", ".join(f"{m.what} missing for {len(m.ids)}" for m in c.missing) or "nothing missing"),
                 "yellow" if c.score < 0.8 else "")


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
    if r.cash_cow:
        yield _t("Cash cow: its strategy diverges from ours — kept, not invested in (no organisational layer).",
                 "yellow")
    if r.layers.general.dark_units:
        yield _t(f"Dark units: {', '.join(r.layers.general.dark_units)}", "red")
    yield from _layers(r.layers)
    if r.feedback is not None:
        f = r.feedback
        days = "—" if f.median_days_to_close is None else f"{f.median_days_to_close:g}"
        sat = "—" if f.satisfaction is None else f"{f.satisfaction:.0%}"
        yield _t(f"Feedback: {len(f.open_complaints)} open complaint(s) {', '.join(f.open_complaints)}; "
                 f"median days to close {days}; satisfaction {sat}", "red" if f.open_high_complaints else "")


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
        table.add_row(_t(a.account_id + (" (cash cow)" if a.cash_cow else "")), _t(a.name), _t(a.tier),
                      _t(a.bus_factor, "red" if a.held_by_one else ""),
                      _t(f"{a.covered_key_contacts}/{a.key_contacts}"),
                      _t(f"{a.top_holder_name} ({a.top_holder_id})" if a.top_holder_id else "—"),
                      _t(f"{a.top_holder_share:.0%}"), _t(", ".join(a.single_holder_contacts)))
    yield table


def departure(r: DepartureReport) -> Iterator[RenderableType]:
    state = "" if r.active else " (already inactive: holds nothing)"
    yield _t(f"If {r.name} ({r.rep_id}) left{state}, as of {r.as_of}:", "bold")
    table = _table("Accounts", "account", "name", "tier", "orphaned contacts", "key contacts lost",
                   "bus factor before → after", "successors")
    for a in r.accounts:
        table.add_row(_t(a.account_id), _t(a.name), _t(a.tier), _t(", ".join(a.orphaned_contacts)),
                      _t(", ".join(a.uncovered_key_contacts), "red"),
                      _t(f"{a.bus_factor_before} → {a.bus_factor_after}"),
                      _t(", ".join(f"{s.contact_id} → {s.successor_id or 'nobody'}" for s in a.successors)))
    yield table


def _share(x: float | None) -> str:
    return "—" if x is None else f"{math.floor(x * 100)}%"  # floored: 99.8 % is not "100%"


def plans(r: PlansReport) -> Iterator[RenderableType]:
    c = r.completion
    yield _t(f"{len(r.plans)} plan(s) as of {r.as_of}: completion {_share(c.overall)} — "
             + ", ".join(f"{k} {_share(v)}" for k, v in c.by_layer.items()), "bold")
    style = {"overdue": "red", "open": "yellow", "done": "green"}
    table = _table("Plans, overdue first", "plan", "account", "layer", "goal", "owner", "due", "status")
    for p in r.plans:
        about = p.contact_id or p.unit_id or "the account"
        table.add_row(_t(p.plan_id), _t(p.account_id), _t(p.layer), _t(f"{p.goal} {p.target} ({about})"),
                      _t(p.owner_rep_id), _t(p.due), _t(p.status, style[p.status]))
    yield table


def cadence(r: CadenceReport) -> Iterator[RenderableType]:
    below = [x for x in r.reps if x.weeks_below_target]
    yield _t(f"Customer meetings per week (target {r.target}), as of {r.as_of}: {len(below)} of {len(r.reps)} "
             f"rep(s) below target in some week", "bold")
    weeks = [w.week for w in r.reps[0].weeks] if r.reps else []
    table = _table("Meetings per rep and week", "rep", *weeks, "weeks below")
    for x in r.reps:
        table.add_row(_t(x.rep_id), *(_t(w.meetings, "red" if w.meetings < r.target else "") for w in x.weeks),
                      _t(x.weeks_below_target))
    yield table
    if r.neglected_accounts:
        yield _t("Neglected accounts: " + ", ".join(
            f"{n.account_id} ({'never met' if n.days_since_meeting is None else f'{n.days_since_meeting} days'})"
            for n in r.neglected_accounts), "red")
    else:
        yield _t("No neglected account.", "green")


def completeness(r: CompletenessReport) -> Iterator[RenderableType]:
    yield _t(f"Information completeness as of {r.as_of}, least complete first", "bold")
    table = _table("Accounts", "account", "score", "parts", "missing")
    for a in r.accounts:
        table.add_row(_t(a.account_id), _t(_share(a.score)),
                      _t(", ".join(f"{k} {_share(v)}" for k, v in a.parts.items())),
                      _t("; ".join(f"{m.what}: {', '.join(m.ids)}" for m in a.missing)))
    yield table


def handover(r: HandoverReport) -> Iterator[RenderableType]:
    yield _t(f"What {r.rep_id} hands over, as of {r.as_of}", "bold")
    table = _table("Relationships", "account", "contact", "depth", "stance", "last contact", "successor")
    for a in r.accounts:
        for c in a.contacts:
            table.add_row(_t(a.account_id), _t(c.contact_id), _t(c.depth), _t(c.stance), _t(c.last_contact),
                          _t(c.successor_id or "nobody", "" if c.successor_id else "red"))
    yield table
    bids = [b for a in r.accounts for b in a.open_bids]
    yield _t(f"Open bids on these accounts: {', '.join(bids) or 'none'}")


def measures(r: MeasuresReport) -> Iterator[RenderableType]:
    p = r.portfolio
    yield _t(f"Portfolio as of {r.as_of}: completeness {_share(p.completeness)}, plan completion "
             f"{_share(p.plan_completion)}, satisfaction {_share(p.satisfaction)}", "bold")
    for title, rows in (("Accounts", [(a.account_id + (" (cash cow)" if a.cash_cow else ""), a) for a in r.accounts]),
                        ("Reps", [(x.rep_id, x) for x in r.reps])):
        table = _table(title, "", "completeness", "plan completion", "satisfaction")
        for name, m in rows:
            table.add_row(_t(name), _t(_share(m.completeness)), _t(_share(m.plan_completion)),
                          _t(_share(m.satisfaction)))
        yield table


def paths(r: PathsReport) -> Iterator[RenderableType]:
    yield _t(f"Ways to reach {r.name} ({r.contact_id}) in {r.account_id}: {r.status}, best depth "
             f"{r.best_depth} of {r.required_depth} required, as of {r.as_of}", "bold")
    table = _table("Strongest warm paths", "rep", "via", "strength", "")
    for p in r.warm_paths:
        warn = f"⚠ through opponent(s) {', '.join(p.through_opponents)}" if p.through_opponents else ""
        table.add_row(_t(p.rep_id), _t(" → ".join(p.via)), _t(f"{p.strength:.3f}"), _t(warn, "red"))
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
