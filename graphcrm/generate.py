"""A synthetic portfolio in the import format (``graphcrm generate``), for benchmarks.

``generate`` writes all thirteen import files (docs/design.md §4) for ``accounts`` accounts
and a shared sales force, streaming account by account straight to ``csv.writer``:
no pydantic records, nothing of the portfolio kept in memory but the sales force
and the ids of the group accounts. The files load with ``graphcrm load`` without a
single problem, and loading changes nothing they say: every rep–contact pair that
attends an activity already has a relationship row whose ``last_contact`` is on or
after the activity's date, so the store holds exactly the generated rows.

The same ``(accounts, seed, as_of)`` give byte-identical files: one
``random.Random(seed)`` draws everything in a fixed order, and dates are counted in
days back from ``as_of`` (default 2026-11-15, never today).

Shapes: the numbers chosen, and in brackets what seed 1 gives at 50,000 accounts.

- **Accounts**: tiers S 5 %, A 15 %, B 35 %, C 45 %; ten industries; strategic fit
  aligned 50 %, neutral 38 %, diverging 12 %; annual revenue log-normal by tier;
  5 % have a ``parent_id``: an earlier S or A account, half of the time the latest
  one (so subsidiaries gather under groups; a subsidiary of tier S or A can be a
  parent in turn: group → province → city, never a cycle).
- **Operators**: one account per 1,000, spread evenly (at least one from 100
  accounts on), tier S, telecom, 1,000–3,000 contacts, a branch tree: HQ → 8–14
  departments and 6–12 provincial branches → 2–5 city branches each → 0–3 county
  branches each [50 operators, 52–155 units each].
- **Contacts**: other accounts draw a log-normal size by tier (median C 12, B 15,
  A 24, S 40; σ 0.45; 5–400) [992,277 contacts: mean 19.8 per account, median
  15, 80 % of accounts with 10–60]. Ordinary accounts have an HQ, 1–7 departments
  and, from 20 contacts, 0–4 provincial branches. Every unit has a head (HQ: 1–3
  executives, operators 5–9; departments and provincial branches: a senior; city and
  county branches: a middle manager) reporting to the head of the parent unit (to
  an executive from the HQ's children); the others are senior 5 %, middle 27 %,
  staff 68 % (city and county branches, and the 2 % without a unit: middle 25 %,
  staff 75 %), spread over the units by weight, and report to someone of the next
  higher level present in their unit, else to its head: ``reports_to`` is always
  an earlier contact of the account. 45 % have an email [levels: executive 6 %,
  senior 15 %, middle 23 %, staff 57 %].
- **Influences**: 3 per contact (at most half the ordered pairs in the tiniest
  accounts); formal 35 % (a contact and their manager, either way, strength
  0.40–1.00), advisory 35 % (60 % of them from the account's 1 + n/30 advisers, who
  are middle or staff, to executives and seniors: the hidden influencers;
  0.30–0.95), personal 30 % (half within the unit; 0.10–0.90) [2.99 per contact].
- **Reps**: ``max(40, accounts // 5)``; roles account manager 30 %, solution
  manager 20 %, sales engineer 20 %, fulfilment 10 %, service 10 %, executive 5 %,
  other 5 %; 5 % inactive (``r1`` is always an active account manager). Teams of
  5–40, log-normal by tier (median C 6, B 8, A 14, S 22, operators 36; σ 0.35),
  led by an account manager [median 8, mean 9.4].
- **Relationships**: from team reps (the lead three times as likely as the others,
  the second twice), 5 % of the draws from anyone in the sales force. Per contact:
  key contacts (executives; decision makers, approvers and high influence in an
  open bid) 3–7 reps at depth 1–4 (15/25/35/25 %); other members of a decision
  chain 2–5; everybody else by level (senior 2–5, middle 1–5, staff 0–5); depth
  0–4 at 3/32/35/20/10 %. Last contact 75 % 1 + Exp(mean 70) days before
  ``as_of``, 25 % 121 + Exp(mean 300), 5 % missing; ``since`` (85 %) before it
  [3.06 per contact, 93 % from the team; 25 % older than 180 days, 11 % older
  than 360].
- **Held by one rep**: 10 % of the other accounts: an active account manager leads
  the team and knows every key contact at depth 3–4 within the last 100 days;
  everybody else knows those at depth 0–1, or 2–3 but more than 370 days ago
  (effective depth ≤ 1, docs/design.md §3). Loaded, each such account has bus factor 1.
- **Plans and feedback** (drawn from a second ``random.Random``, so the other files
  are the same as without them): 0–3 plans and 0–2 feedback records per account
  (``_plans``, ``_feedback``). Contacts' own ``stance`` is left empty.
- **Bids**: 0–3 per account (25/40/25/10 %; operators 3); stages lead 15 %,
  qualify 20 %, tender 25 %, submitted 15 %, won 15 %, lost 10 %; value log-normal
  by tier, in CNY (75 %) or EUR. Open bids have a decision chain of 4–15: a
  decision maker (an executive, 92 %), an approver (an executive or senior, 90 %),
  then evaluators, influencers, users, gatekeepers and coaches; influence by role;
  stance −2…+2 or, 20 %, empty [1.2 bids per account, 6.0 per chain, 17 % of the
  chains without a decision maker or an approver].
- **Activities**: 1–3 per account (operators 10–30): one rep and 1–4 contacts it
  knows, 30 % with a second rep who knows them all, 40 % for an open bid.
- **Agreements**: S 85 %, A 60 %, B 10 %, C 3 % of accounts (1–2 for S), signed up
  to five years ago for 3–5 years (5 % open-ended) [19 % expired].

Ids are short: ``a17``, ``a17-u2``, ``a17-c3``, ``a17-b1``, ``a17-v1`` (activity),
``a17-g1`` (agreement), ``r42``.

Speed (``graphcrm generate``, one process on a 2-core machine): 10,000 accounts in
3.9 s (64 MB of files), 50,000 accounts in 17 s (328 MB; 8.1 million rows); about
120 MB of memory, most of it the program itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphcrm.analysis.depth import is_key_role
from graphcrm.errors import InputError, Issue
from graphcrm.fileformat import FILES, columns
from graphcrm.model import RECORD_TYPES, BidStage, Dataset, Level
from graphcrm.policy import Policy

__all__ = ["generate", "DEFAULT_AS_OF", "sales_force_size", "operator_positions"]

DEFAULT_AS_OF = dt.date(2026, 11, 15)
"""The default snapshot day: fixed, so the output never depends on the day it is made."""

OPERATOR_EVERY = 1_000
"""One operator (a thousand-contact account with a branch tree) per this many accounts."""
OPERATORS_FROM = 100
HELD_BY_ONE_SHARE = 0.10
PROGRESS_EVERY = 100
MAX_AGE = 4_000
"""Days back from as_of that dates reach at most."""
MAX_AHEAD = 400

EXECUTIVE, SENIOR, MIDDLE, STAFF = range(4)
LEVELS = tuple(level.value for level in Level)  # executive, senior, middle, staff
NO_UNIT = -1


def _table(weights: dict[Any, int]) -> tuple:
    """A lookup table in which each value appears ``weight`` times: draw with
    ``table[int(random() * len(table))]``."""
    return tuple(v for v, w in weights.items() for _ in range(w))


def _draw(table: Sequence, r: Callable[[], float]) -> Any:
    return table[int(r() * len(table))]


# --- the numbers of the module docstring ----------------------------------------------

TIERS = _table({"S": 5, "A": 15, "B": 35, "C": 45})
INDUSTRIES = _table({"telecom": 12, "energy": 12, "finance": 14, "government": 14, "transport": 9,
                     "manufacturing": 14, "healthcare": 8, "education": 6, "retail": 6, "media": 5})
INDUSTRY_WORDS = {
    "telecom": ("Mobile", "Telecom", "Broadband", "Tower"), "energy": ("Power", "Grid", "Energy", "Petroleum"),
    "finance": ("Bank", "Insurance", "Securities"), "government": ("Data Bureau", "Customs", "Tax Bureau"),
    "transport": ("Railway", "Airport", "Port", "Metro"), "manufacturing": ("Motors", "Steel", "Electronics"),
    "healthcare": ("Hospital", "Health Commission"), "education": ("University", "Education Bureau"),
    "retail": ("Retail", "Logistics"), "media": ("Broadcasting", "Media"),
}
SUFFIXES = _table({"": 5, " Group": 3, " Corporation": 1, " Company": 1})
FITS = _table({"aligned": 50, "neutral": 38, "diverging": 12})
REVENUE_MEDIAN = {"S": 40e9, "A": 8e9, "B": 1.5e9, "C": 0.3e9}
PARENT_SHARE = 0.05

CONTACTS_MEDIAN = {"S": 40, "A": 24, "B": 15, "C": 12}
CONTACTS_SIGMA = 0.45
CONTACTS_MIN, CONTACTS_MAX = 5, 400
OPERATOR_CONTACTS = (1_000, 3_000)
OTHER_LEVELS = _table({SENIOR: 5, MIDDLE: 27, STAFF: 68})
BRANCH_LEVELS = _table({MIDDLE: 25, STAFF: 75})
"""City and county branches, and contacts without a unit: no seniors."""
NO_UNIT_SHARE = 0.02
EMAIL_SHARE = 0.45

DEPARTMENTS = ("Network Operations", "Procurement", "Finance", "Information Technology", "Marketing",
               "Planning and Construction", "Legal", "Customer Service", "Strategy", "Human Resources",
               "Research and Development", "Security", "Government Affairs", "Operations and Maintenance")
PROVINCES = ("Guangdong", "Jiangsu", "Zhejiang", "Shandong", "Henan", "Sichuan", "Hubei", "Hunan", "Fujian",
             "Anhui", "Hebei", "Shaanxi", "Yunnan", "Guangxi", "Jiangxi", "Liaoning", "Shanxi", "Guizhou")
SYLLABLES = ("bao", "chang", "da", "dong", "feng", "fu", "gao", "guang", "hai", "he", "heng", "hua", "jian",
             "jin", "jing", "kang", "lin", "long", "ming", "nan", "ning", "ping", "qing", "rui", "shan",
             "shen", "shi", "tai", "tian", "wan", "xi", "xin", "yang", "yi", "yong", "yu", "yuan", "zhong")
SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
            "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han",
            "Feng", "Deng", "Cao", "Peng")
GIVEN = ("Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Jun", "Yang", "Yong", "Yan", "Jie", "Tao", "Ming",
         "Chao", "Xiu", "Xia", "Hui", "Gang", "Ping", "Hong", "Bo", "Hao", "Lin", "Yu", "Kai", "Ting", "Xin",
         "Rui", "Peng", "Bin", "Hua", "Dan", "Lan", "Qing", "Zhen", "Feng", "Ning", "Shu", "Wen")
EXECUTIVE_TITLES = ("Deputy General Manager", "Chief Engineer", "Chief Financial Officer",
                    "Chief Information Officer", "Vice President")
TITLES = {
    SENIOR: ("Deputy Director", "Director", "Senior Expert", "Deputy Branch President"),
    MIDDLE: ("Manager", "Deputy Manager", "Section Chief", "Project Manager", "Team Lead"),
    STAFF: ("Engineer", "Senior Engineer", "Specialist", "Analyst", "Procurement Specialist",
            "Network Planner", "Assistant", "Technician"),
}

REP_ROLES = _table({"account_manager": 30, "solution_manager": 20, "sales_engineer": 20,
                    "fulfillment_manager": 10, "service_manager": 10, "executive": 5, "other": 5})
REP_LEVELS = _table({SENIOR: 20, MIDDLE: 45, STAFF: 35})
INACTIVE_SHARE = 0.05
TEAM_MEDIAN = {"S": 22, "A": 14, "B": 8, "C": 6}
OPERATOR_TEAM = 36
TEAM_SIGMA = 0.35
TEAM_MIN, TEAM_MAX = 5, 40
OUTSIDER_SHARE = 0.05

KEY_REPS = _table({3: 20, 4: 30, 5: 25, 6: 15, 7: 10})
CHAIN_REPS = _table({2: 20, 3: 35, 4: 30, 5: 15})
LEVEL_REPS = {
    SENIOR: _table({2: 20, 3: 30, 4: 30, 5: 20}),
    MIDDLE: _table({1: 12, 2: 24, 3: 32, 4: 22, 5: 10}),
    STAFF: _table({0: 8, 1: 16, 2: 24, 3: 26, 4: 16, 5: 10}),
}
KEY_DEPTHS = _table({1: 15, 2: 25, 3: 35, 4: 25})
DEPTHS = _table({0: 3, 1: 32, 2: 35, 3: 20, 4: 10})
RECENT_SHARE, RECENT_MEAN = 0.75, 70
OLD_START, OLD_MEAN = 121, 300
MISSING_LAST_SHARE = 0.05
SINCE_SHARE, SINCE_MEAN = 0.85, 400
STALE_AFTER = Policy().stale_after_days
HOLDER_RECENT = 100
"""The one holder of an account's key contacts saw each of them within this many days."""
OTHERS_STALE_AFTER = 2 * STALE_AFTER + 10
"""Others who knew them at depth 2–3 last saw them longer ago: effective depth ≤ 1."""

BIDS = _table({0: 25, 1: 40, 2: 25, 3: 10})
STAGES = _table({"lead": 15, "qualify": 20, "tender": 25, "submitted": 15, "won": 15, "lost": 10})
OPEN_STAGES = frozenset(stage.value for stage in BidStage if stage.is_open)
BID_TOPICS = ("5G core expansion", "Data centre refresh", "Transport network upgrade", "Cloud platform",
              "Campus network", "Smart grid metering", "Security operations centre", "Optical backbone",
              "Private wireless network", "Storage consolidation", "IoT platform", "Video surveillance")
BID_VALUE_MEDIAN = {"S": 30e6, "A": 8e6, "B": 2e6, "C": 0.5e6}
EUR_SHARE = 0.25
CNY_PER_EUR = 8
DECISION_MAKER_SHARE, APPROVER_SHARE = 0.92, 0.90
CHAIN_ROLES = _table({"technical_evaluator": 3, "commercial_evaluator": 2, "influencer": 2, "user": 2,
                      "gatekeeper": 1, "coach": 1})
ROLE_INFLUENCE = {
    "decision_maker": _table({"high": 85, "medium": 15}),
    "approver": _table({"high": 60, "medium": 40}),
    "technical_evaluator": _table({"high": 20, "medium": 60, "low": 20}),
    "commercial_evaluator": _table({"medium": 60, "low": 40}),
    "influencer": _table({"high": 40, "medium": 40, "low": 20}),
    "user": _table({"medium": 30, "low": 70}),
    "gatekeeper": _table({"medium": 50, "low": 50}),
    "coach": _table({"high": 20, "medium": 50, "low": 30}),
}
STANCES = _table({"-2": 5, "-1": 12, "0": 28, "1": 25, "2": 10, "": 20})

INFLUENCES_PER_CONTACT = 3
FORMAL_SHARE, ADVISORY_SHARE = 0.35, 0.35
ADVISER_SHARE = 0.6
STRENGTHS = tuple(f"{k / 100:.2f}" for k in range(101))
FORMAL_STRENGTH, ADVISORY_STRENGTH, PERSONAL_STRENGTH = (40, 100), (30, 95), (10, 90)

ACTIVITY_KINDS = _table({"visit": 30, "call": 20, "meeting": 25, "executive_visit": 5, "strategy_alignment": 4,
                         "exhibition": 4, "site_visit": 6, "joint_innovation": 2, "other": 4})
ACTIVITY_SUMMARIES = {
    "visit": "Customer visit", "call": "Follow-up call", "meeting": "Working meeting",
    "executive_visit": "Executive visit", "strategy_alignment": "Strategy alignment workshop",
    "exhibition": "Exhibition stand visit", "site_visit": "Reference site visit",
    "joint_innovation": "Joint innovation review", "other": "Contact",
}
ACTIVITIES = (1, 3)
OPERATOR_ACTIVITIES = (10, 30)
ACTIVITY_BID_SHARE = 0.4
AGREEMENT_SHARE = {"S": 0.85, "A": 0.60, "B": 0.10, "C": 0.03}
AGREEMENT_KINDS = {
    "S": _table({"strategic_cooperation": 60, "joint_innovation_center": 25, "framework": 15}),
    "A": _table({"strategic_cooperation": 45, "joint_innovation_center": 15, "framework": 40}),
    "B": _table({"framework": 80, "strategic_cooperation": 20}),
    "C": _table({"framework": 100}),
}
PLANS_SEED = 7_919
PLANS_MAX = 3
FEEDBACK_MAX = 2
FEEDBACK_KINDS = _table({"complaint": 50, "praise": 35, "request": 15})
SEVERITIES = _table({"low": 50, "medium": 35, "high": 15})


# --- public helpers ---------------------------------------------------------------------


def sales_force_size(accounts: int) -> int:
    """The number of reps for a portfolio of ``accounts`` accounts.

    Examples
    --------
    >>> sales_force_size(30), sales_force_size(50_000)
    (40, 10000)
    """
    return max(40, accounts // 5)


def operator_positions(accounts: int) -> list[int]:
    """The account numbers (1-based) of the operators: one per ``OPERATOR_EVERY``
    accounts, spread evenly, at least one from ``OPERATORS_FROM`` accounts on.

    Examples
    --------
    >>> operator_positions(99), operator_positions(100), operator_positions(2_500)
    ([], [1], [1, 1251])
    """
    if accounts < OPERATORS_FROM:
        return []
    n = max(1, accounts // OPERATOR_EVERY)
    stride = accounts // n
    return [1 + k * stride for k in range(n)]


# --- output --------------------------------------------------------------------------------


class _Files:
    """The thirteen CSV writers, each with its header, and the rows written per file."""

    def __init__(self, out_dir: Path, stack: ExitStack):
        self.writers: dict[str, Any] = {}
        self.counts: dict[str, int] = {}
        for t in RECORD_TYPES:
            name = Dataset.field_for(t)
            f = stack.enter_context((out_dir / t.FILE).open("w", encoding="utf-8", newline=""))
            self.writers[name] = csv.writer(f, lineterminator="\n")
            self.writers[name].writerow(columns(t))
            self.counts[name] = 0

    def write(self, name: str, rows: list[list[str]]) -> None:
        self.writers[name].writerows(rows)
        self.counts[name] += len(rows)


class _Days:
    """ISO dates counted in days from ``as_of``, made once."""

    def __init__(self, as_of: dt.date):
        self.as_of = as_of
        self.back = [(as_of - dt.timedelta(days=d)).isoformat() for d in range(MAX_AGE + 1)]
        self.ahead = [(as_of + dt.timedelta(days=d)).isoformat() for d in range(MAX_AHEAD + 1)]

    def ago(self, days: int) -> str:
        return self.back[min(days, MAX_AGE)]

    def shift(self, days: int) -> str:
        """``as_of`` + days, either way, beyond the tables too."""
        if -MAX_AGE <= days <= 0:
            return self.back[-days]
        if 0 < days <= MAX_AHEAD:
            return self.ahead[days]
        return (self.as_of + dt.timedelta(days=days)).isoformat()


@dataclass
class _Force:
    """The shared sales force: rep ids, roles, who is active, the account managers."""

    ids: list[str]
    roles: list[str]
    active: list[bool]
    managers: list[int] = field(default_factory=list)
    active_managers: list[int] = field(default_factory=list)


@dataclass
class _Org:
    """One account while it is generated; contacts are the indices 0 … n-1."""

    id: str
    tier: str
    operator: bool
    region: str
    unit_ids: list[str] = field(default_factory=list)
    unit_depth: list[int] = field(default_factory=list)
    unit_parent: list[int] = field(default_factory=list)
    unit_weight: list[int] = field(default_factory=list)
    head_titles: list[str] = field(default_factory=list)
    cids: list[str] = field(default_factory=list)
    level: list[int] = field(default_factory=list)
    unit: list[int] = field(default_factory=list)
    manager: list[int] = field(default_factory=list)
    members: list[list[int]] = field(default_factory=list)
    executives: list[int] = field(default_factory=list)
    upper: list[int] = field(default_factory=list)
    """Executives and seniors: who advice flows to."""


# --- the generator ------------------------------------------------------------------------


def generate(out_dir: Path, accounts: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF,
             progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write a synthetic portfolio of ``accounts`` accounts as import CSV files.

    Parameters
    ----------
    out_dir : Path
        The directory to write (created when missing). It must not hold CSV files
        other than the import files, which are overwritten.
    accounts : int
        Number of customer accounts, at least 1.
    seed : int
        Seed of the one ``random.Random`` that draws everything.
    as_of : date
        The snapshot day: every past date is counted back from it.
    progress : callable, optional
        Called as ``progress(accounts_done, accounts)`` every ``PROGRESS_EVERY``
        accounts and at the end.

    Returns
    -------
    dict
        Rows written per file, keyed like the import files (``accounts``, ``units`` …).

    Raises
    ------
    InputError
        For fewer than one account, or an ``out_dir`` that is a file or holds
        other CSV files (``graphcrm load`` would refuse them).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     rows = generate(Path(d), accounts=3, seed=7)
    ...     names = sorted(p.name for p in Path(d).iterdir())
    >>> len(names), names[:2], rows["accounts"], rows["reps"]
    (13, ['account_team.csv', 'accounts.csv'], 3, 40)
    """
    out_dir = Path(out_dir)
    _check_arguments(out_dir, accounts)
    rng = random.Random(seed)
    later = random.Random(seed + PLANS_SEED)  # plans and feedback: their own draws, so the other files are unchanged
    days = _Days(as_of)
    operators = set(operator_positions(accounts))
    groups: list[str] = []
    with ExitStack() as stack:
        files = _Files(out_dir, stack)
        force = _sales_force(sales_force_size(accounts), rng, files)
        for i in range(1, accounts + 1):
            _account(i, i in operators, rng, later, days, force, groups, files)
            if progress is not None and (i % PROGRESS_EVERY == 0 or i == accounts):
                progress(i, accounts)
    return files.counts


def _check_arguments(out_dir: Path, accounts: int) -> None:
    """Refuse what cannot give a loadable portfolio; create ``out_dir``."""
    issues = []
    if accounts < 1:
        issues.append(Issue("accounts", None, None, None, f"must be at least 1, got {accounts}"))
    if out_dir.exists() and not out_dir.is_dir():
        issues.append(Issue(str(out_dir), None, None, None, "is a file, not a directory"))
    elif out_dir.is_dir():
        strangers = sorted(p.name for p in out_dir.iterdir()
                           if p.suffix.lower() == ".csv" and p.name not in FILES)
        if strangers:
            issues.append(Issue(str(out_dir), None, None, None,
                                f"holds other CSV files ({', '.join(strangers)}) that `graphcrm load` "
                                "would refuse; choose a new or empty directory"))
    if not issues:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            issues.append(Issue(str(out_dir), None, None, None, f"cannot be created: {e.strerror}"))
    if issues:
        raise InputError(issues, subject="the arguments; nothing was written")


def _sales_force(n: int, rng: random.Random, files: _Files) -> _Force:
    """Write reps.csv: ``r1`` … ``rn``; ``r1`` is an active account manager, so
    every portfolio has someone to lead an account held by one rep."""
    r = rng.random
    force = _Force(ids=[], roles=[], active=[])
    rows = []
    for k in range(n):
        rid, role = f"r{k + 1}", "account_manager" if k == 0 else _draw(REP_ROLES, r)
        level = EXECUTIVE if role == "executive" else _draw(REP_LEVELS, r)
        active = k == 0 or r() >= INACTIVE_SHARE
        sur, given = _draw(SURNAMES, r), _draw(GIVEN, r)
        force.ids.append(rid)
        force.roles.append(role)
        force.active.append(active)
        if role == "account_manager":
            force.managers.append(k)
            if active:
                force.active_managers.append(k)
        rows.append([rid, f"{given} {sur}", role, LEVELS[level], "true" if active else "false",
                     f"{given.lower()}.{sur.lower()}{k + 1}@ourco.example"])
    files.write("reps", rows)
    return force


def _lognormal_int(median: float, sigma: float, lo: int, hi: int, rng: random.Random) -> int:
    """A whole number, log-normal around ``median``, kept within ``lo … hi``."""
    return min(hi, max(lo, round(median * math.exp(sigma * rng.gauss(0.0, 1.0)))))


def _place(r: Callable[[], float]) -> str:
    """A made-up place name of two syllables."""
    return (_draw(SYLLABLES, r) + _draw(SYLLABLES, r)).capitalize()


def _account(i: int, operator: bool, rng: random.Random, later: random.Random, days: _Days, force: _Force,
             groups: list[str], files: _Files) -> None:
    """Generate one account and write its rows to every file but reps.csv."""
    r = rng.random
    tier = "S" if operator else _draw(TIERS, r)
    org = _Org(id=f"a{i}", tier=tier, operator=operator, region=_draw(PROVINCES, r))
    files.write("accounts", [_account_row(org, rng, groups)])
    if tier in "SA":
        groups.append(org.id)
    if operator:
        size = rng.randint(*OPERATOR_CONTACTS)
    else:
        size = _lognormal_int(CONTACTS_MEDIAN[tier], CONTACTS_SIGMA, CONTACTS_MIN, CONTACTS_MAX, rng)
    files.write("units", _units(org, size, rng))
    files.write("contacts", _contacts(org, size, rng))
    held_by_one = not operator and r() < HELD_BY_ONE_SHARE
    team = _team(org, held_by_one, rng, force)
    files.write("account_team", [[org.id, force.ids[k], force.roles[k]] for k in team])
    bids, roles, open_bids, key, chain = _bids(org, rng, days)
    files.write("bids", bids)
    files.write("bid_roles", roles)
    key.update(org.executives)  # an account's key contacts: its open bids' and its executives (docs/design.md §3)
    rows, dated = _relationships(org, team, key, chain, team[0] if held_by_one else None, rng, days, force)
    files.write("relationships", rows)
    files.write("influences", _influences(org, rng))
    files.write("activities", _activities(org, dated, open_bids, rng, days, force))
    files.write("agreements", _agreements(org, rng, days))
    files.write("plans", _plans(org, team, sorted(key), later, days, force))
    files.write("feedback", _feedback(org, later, days))


def _account_row(org: _Org, rng: random.Random, groups: list[str]) -> list[str]:
    """The accounts.csv row; ``groups``: the earlier S and A accounts, possible parents."""
    r = rng.random
    industry = "telecom" if org.operator else _draw(INDUSTRIES, r)
    name = f"{_place(r)} {_draw(INDUSTRY_WORDS[industry], r)}{_draw(SUFFIXES, r)}"
    parent = ""
    if groups and not org.operator and r() < PARENT_SHARE:
        parent = groups[-1] if r() < 0.5 else _draw(groups, r)
    revenue = _lognormal_int(REVENUE_MEDIAN[org.tier] / 1e6, 0.8, 10, 10**7, rng) * 1_000_000
    return [org.id, name, org.tier, industry, parent, _draw(FITS, r), str(revenue)]


# --- units and contacts ----------------------------------------------------------------


def _add_unit(org: _Org, name: str, kind: str, parent: int, depth: int, region: str, weight: int,
              head_title: str) -> list[str]:
    """Add a unit to ``org`` and return its row; ``weight``: its share of the staff."""
    k = len(org.unit_ids)
    uid = f"{org.id}-u{k + 1}"
    org.unit_ids.append(uid)
    org.unit_depth.append(depth)
    org.unit_parent.append(parent)
    org.unit_weight.append(weight)
    org.head_titles.append(head_title)
    org.members.append([])
    return [uid, org.id, name, kind, org.unit_ids[parent] if parent >= 0 else "", region]


def _units(org: _Org, size: int, rng: random.Random) -> list[list[str]]:
    """The unit tree: HQ, departments and, for larger accounts, branches."""
    r = rng.random
    rows = [_add_unit(org, "Headquarters", "hq", -1, 0, org.region, 4, "General Manager")]
    if org.operator:
        departments, provinces = rng.randint(8, 14), rng.randint(6, 12)
    else:
        departments = rng.randint(1, min(7, 1 + size // 8))
        provinces = rng.randint(0, min(4, size // 15)) if size >= 20 else 0
    for name in rng.sample(DEPARTMENTS, departments):
        rows.append(_add_unit(org, name, "department", 0, 1, org.region, 3, "Director"))
    for province in rng.sample(PROVINCES, provinces):
        p = len(org.unit_ids)
        rows.append(_add_unit(org, f"{province} Branch", "branch", 0, 1, province, 2, "Branch President"))
        if not org.operator:
            continue
        for _ in range(rng.randint(2, 5)):
            city = _place(r)
            c = len(org.unit_ids)
            rows.append(_add_unit(org, f"{city} City Branch", "branch", p, 2, city, 2, "City Branch Manager"))
            for _ in range(rng.randint(0, 3)):
                county = _place(r)
                rows.append(_add_unit(org, f"{county} County Branch", "branch", c, 3, county, 1,
                                          "County Branch Manager"))
    return rows


def _person(org: _Org, unit: int, level: int, manager: int) -> int:
    """Add a contact to ``org`` (``unit``, ``manager``: indices or -1); its index."""
    x = len(org.cids)
    org.cids.append(f"{org.id}-c{x + 1}")
    org.level.append(level)
    org.unit.append(unit)
    org.manager.append(manager)
    if unit != NO_UNIT:
        org.members[unit].append(x)
    if level == EXECUTIVE:
        org.executives.append(x)
    if level <= SENIOR:
        org.upper.append(x)
    return x


def _contacts(org: _Org, size: int, rng: random.Random) -> list[list[str]]:
    """Contacts in generation order: the heads of the units first, top down, then
    everybody else; each reports to an earlier contact (or nobody)."""
    r = rng.random
    titles: list[str] = []
    executives = rng.randint(5, 9) if org.operator else rng.randint(1, min(3, max(1, size // 12)))
    for k in range(executives):
        _person(org, 0, EXECUTIVE, -1 if k == 0 else 0)
        titles.append("General Manager" if k == 0 else _draw(EXECUTIVE_TITLES, r))
    heads = [0] * len(org.unit_ids)
    # managers[u][level]: the contacts of unit u at that level, to report to
    managers: list[list[list[int]]] = [[[] for _ in LEVELS] for _ in org.unit_ids]
    managers[0][EXECUTIVE] = list(range(executives))
    for u in range(1, len(org.unit_ids)):
        depth, parent = org.unit_depth[u], org.unit_parent[u]
        level = SENIOR if depth == 1 else MIDDLE
        boss = _draw(org.executives, r) if parent == 0 else heads[parent]
        heads[u] = _person(org, u, level, boss)
        managers[u][level].append(heads[u])
        titles.append(org.head_titles[u])
    slots = _table(dict(enumerate(org.unit_weight)))
    for _ in range(size - len(org.cids)):
        if r() < NO_UNIT_SHARE:
            level = _draw(BRANCH_LEVELS, r)
            boss = _draw(org.upper, r) if r() < 0.5 else -1
            _person(org, NO_UNIT, level, boss)
        else:
            u = _draw(slots, r)
            level = _draw(BRANCH_LEVELS if org.unit_depth[u] >= 2 else OTHER_LEVELS, r)
            boss = heads[u]
            for above in range(level - 1, -1, -1):
                if managers[u][above]:
                    boss = _draw(managers[u][above], r)
                    break
            x = _person(org, u, level, boss)
            if level < STAFF:
                managers[u][level].append(x)
        titles.append(_draw(TITLES[level], r))
    return [_contact_row(org, x, titles[x], r) for x in range(len(org.cids))]


def _contact_row(org: _Org, x: int, title: str, r: Callable[[], float]) -> list[str]:
    """The contacts.csv row of contact ``x``, with a made-up name and maybe an email."""
    sur, given = _draw(SURNAMES, r), _draw(GIVEN, r)
    email = f"{given.lower()}.{sur.lower()}{x + 1}@{org.id}.example" if r() < EMAIL_SHARE else ""
    unit, boss = org.unit[x], org.manager[x]
    return [org.cids[x], org.id, org.unit_ids[unit] if unit != NO_UNIT else "", f"{sur} {given}", title,
            LEVELS[org.level[x]], org.cids[boss] if boss >= 0 else "", email, ""]


# --- team and bids --------------------------------------------------------------------------


def _team(org: _Org, held_by_one: bool, rng: random.Random, force: _Force) -> list[int]:
    """The account team as rep indices, led by an account manager (an active one
    when the account is held by one rep)."""
    r = rng.random
    median = OPERATOR_TEAM if org.operator else TEAM_MEDIAN[org.tier]
    size = _lognormal_int(median, TEAM_SIGMA, TEAM_MIN, min(TEAM_MAX, len(force.ids)), rng)
    team = [_draw(force.active_managers if held_by_one else force.managers, r)]
    chosen = set(team)
    n = len(force.ids)
    while len(team) < size:
        k = int(r() * n)
        if k not in chosen:
            chosen.add(k)
            team.append(k)
    return team


def _bids(org: _Org, rng: random.Random, days: _Days) -> tuple[list, list, list[str], set[int], set[int]]:
    """Bids and the decision chains of the open ones.

    Returns the bid rows, the bid-role rows, the open bid ids, the key contacts of
    the open bids and the other members of their chains.
    """
    r = rng.random
    bids: list[list[str]] = []
    roles: list[list[str]] = []
    open_bids: list[str] = []
    key: set[int] = set()
    chain: set[int] = set()
    for k in range(3 if org.operator else _draw(BIDS, r)):
        bid, stage = f"{org.id}-b{k + 1}", _draw(STAGES, r)
        ahead = _tender_day(stage, rng)
        value = _lognormal_int(BID_VALUE_MEDIAN[org.tier] / 1_000, 0.7, 1, 10**9, rng)
        currency = "EUR" if r() < EUR_SHARE else "CNY"
        if currency == "EUR":
            value = max(1, value // CNY_PER_EUR)
        amount = "" if stage == "lead" and r() < 0.2 else str(value * 1_000)
        name = f"{_draw(BID_TOPICS, r)} {days.as_of.year + rng.randint(0, 1)}"
        bids.append([bid, org.id, name, stage, "" if ahead is None else days.shift(ahead), amount,
                     currency if amount else ""])
        if stage in OPEN_STAGES:
            open_bids.append(bid)
            roles += _chain(org, bid, rng, key, chain)
    return bids, roles, open_bids, key, chain


def _tender_day(stage: str, rng: random.Random) -> int | None:
    """Days from as_of to the tender: ahead for bids still to come, back for the others."""
    if stage == "lead":
        return rng.randint(60, 270) if rng.random() < 0.7 else None
    if stage == "qualify":
        return rng.randint(30, 240)
    if stage == "tender":
        return rng.randint(5, 90)
    if stage == "submitted":
        return -rng.randint(0, 45)
    return -rng.randint(30, 700)


def _chain(org: _Org, bid: str, rng: random.Random, key: set[int], chain: set[int]) -> list[list[str]]:
    """The decision chain of an open bid; adds its members to ``key`` or ``chain``."""
    r = rng.random
    n = len(org.cids)
    size = min(n, rng.randint(4, min(15, 4 + n // 4)))
    members: list[tuple[int, str]] = []
    if r() < DECISION_MAKER_SHARE:
        members.append((_draw(org.executives, r), "decision_maker"))
    if r() < APPROVER_SHARE:
        candidates = [y for y in org.upper if not members or y != members[0][0]]
        if candidates:
            members.append((_draw(candidates, r), "approver"))
    used = {x for x, _ in members}
    for x in rng.sample(range(n), min(n, size + len(used))):
        if len(members) >= size:
            break
        if x not in used:
            used.add(x)
            members.append((x, _draw(CHAIN_ROLES, r)))
    rows = []
    for x, role in members:
        influence = _draw(ROLE_INFLUENCE[role], r)
        (key if is_key_role({"role": role, "influence": influence}) else chain).add(x)
        rows.append([bid, org.cids[x], role, influence, _draw(STANCES, r)])
    return rows


# --- relationships ---------------------------------------------------------------------------


def _age(r: Callable[[], float]) -> int | None:
    """Days since the last contact, or None (not recorded)."""
    if r() < MISSING_LAST_SHARE:
        return None
    if r() < RECENT_SHARE:
        return min(MAX_AGE // 2, 1 + int(-math.log(1.0 - r()) * RECENT_MEAN))
    return min(MAX_AGE // 2, OLD_START + int(-math.log(1.0 - r()) * OLD_MEAN))


def _since(age: int | None, r: Callable[[], float], days: _Days) -> str:
    """The day a relationship began: before its last contact, or empty."""
    if r() >= SINCE_SHARE:
        return ""
    return days.ago((age or 0) + int(-math.log(1.0 - r()) * SINCE_MEAN))


def _relationships(org: _Org, team: list[int], key: set[int], chain: set[int], holder: int | None,
                   rng: random.Random, days: _Days, force: _Force) -> tuple[list, list[tuple[int, int, int]]]:
    """Who on our side knows whom, how deeply and how recently.

    ``holder``: the one rep who holds the account's key contacts, or None.
    Returns the rows and ``(rep, contact, days since last contact)`` of the
    relationships whose last contact is known (activities are made of them).
    """
    r = rng.random
    reps = force.ids
    everyone = len(reps)
    weighted = team[:1] * 2 + team[1:2] + team  # the lead three times, the second twice
    w = len(weighted)
    rows: list[list[str]] = []
    dated: list[tuple[int, int, int]] = []
    for x, cid in enumerate(org.cids):
        if x in key:
            count, depths = _draw(KEY_REPS, r), KEY_DEPTHS
        elif x in chain:
            count, depths = _draw(CHAIN_REPS, r), DEPTHS
        else:
            count, depths = _draw(LEVEL_REPS[org.level[x]], r), DEPTHS
        held = holder is not None and x in key
        chosen: set[int] = set()
        if held:
            chosen.add(holder)
            age = 1 + int(r() * HOLDER_RECENT)
            rows.append([reps[holder], cid, "4" if r() < 0.5 else "3", days.ago(age), _since(age, r, days)])
            dated.append((holder, x, age))
        for _ in range(3 * count):
            if len(chosen) >= count:
                break
            rep = int(r() * everyone) if r() < OUTSIDER_SHARE else weighted[int(r() * w)]
            if rep in chosen:
                continue
            chosen.add(rep)
            if not held:
                depth, age = _draw(depths, r), _age(r)
            elif r() < 0.7:  # someone else who barely knows a contact the holder holds
                depth, age = int(r() * 2), _age(r)
            else:  # … or knew them well, long ago
                depth, age = 2 + int(r() * 2), OTHERS_STALE_AFTER + int(-math.log(1.0 - r()) * OLD_MEAN)
            if age is None:
                rows.append([reps[rep], cid, str(depth), "", _since(age, r, days)])
            else:
                rows.append([reps[rep], cid, str(depth), days.ago(age), _since(age, r, days)])
                dated.append((rep, x, age))
    return rows, dated


# --- influences, activities, agreements ----------------------------------------------------------


def _influences(org: _Org, rng: random.Random) -> list[list[str]]:
    """INFLUENCES edges: formal along reporting lines, advisory from a few advisers
    up to executives and seniors, personal within a unit or across."""
    r = rng.random
    n, cids = len(org.cids), org.cids
    wanted = min(INFLUENCES_PER_CONTACT * n, n * (n - 1) // 2)
    staff = [x for x in range(n) if org.level[x] >= MIDDLE]
    advisers = rng.sample(staff, min(len(staff), 1 + n // 30))
    pairs: set[tuple[int, int]] = set()
    rows: list[list[str]] = []
    for _ in range(3 * wanted):
        if len(rows) >= wanted:
            break
        u = r()
        if u < FORMAL_SHARE:
            t = int(r() * n)
            s = org.manager[t]
            if s < 0:
                continue
            if r() < 0.3:
                s, t = t, s
            kind, (lo, hi) = "formal", FORMAL_STRENGTH
        elif u < FORMAL_SHARE + ADVISORY_SHARE:
            s = _draw(advisers, r) if advisers and r() < ADVISER_SHARE else int(r() * n)
            t = _draw(org.upper, r)
            kind, (lo, hi) = "advisory", ADVISORY_STRENGTH
        else:
            s = int(r() * n)
            unit = org.unit[s]
            t = _draw(org.members[unit], r) if unit != NO_UNIT and r() < 0.5 else int(r() * n)
            kind, (lo, hi) = "personal", PERSONAL_STRENGTH
        if s == t or (s, t) in pairs:
            continue
        pairs.add((s, t))
        rows.append([cids[s], cids[t], STRENGTHS[lo + int(r() * (hi - lo + 1))], kind])
    return rows


def _activities(org: _Org, dated: list[tuple[int, int, int]], open_bids: list[str], rng: random.Random,
                days: _Days, force: _Force) -> list[list[str]]:
    """Logged activities: a rep and 1–4 contacts it knows, sometimes a second rep who
    knows them all, dated on or before every attendee pair's last contact (so
    loading them moves nothing forward and creates no relationship)."""
    if not dated:
        return []
    r = rng.random
    known = {(rep, x): age for rep, x, age in dated}
    holders = list(dict.fromkeys(rep for rep, _, _ in dated))
    lo, hi = OPERATOR_ACTIVITIES if org.operator else ACTIVITIES
    rows = []
    for k in range(rng.randint(lo, hi)):
        rep, x, age = _draw(dated, r)
        theirs = [(y, a) for q, y, a in dated if q == rep and y != x]
        met = [(x, age), *rng.sample(theirs, min(len(theirs), rng.randint(0, 3)))]
        contacts = [y for y, _ in met]
        oldest = max(a for _, a in met)
        attendees = [rep]
        if r() < 0.3:
            for q in holders:
                if q != rep and all((q, y) in known for y in contacts):
                    attendees.append(q)
                    oldest = max(oldest, *(known[(q, y)] for y in contacts))
                    break
        kind = _draw(ACTIVITY_KINDS, r)
        bid = _draw(open_bids, r) if open_bids and r() < ACTIVITY_BID_SHARE else ""
        rows.append([f"{org.id}-v{k + 1}", days.ago(oldest + int(r() * 20)), kind, org.id, bid,
                     ";".join(force.ids[q] for q in attendees), ";".join(org.cids[y] for y in contacts),
                     ACTIVITY_SUMMARIES[kind]])
    return rows


def _agreements(org: _Org, rng: random.Random, days: _Days) -> list[list[str]]:
    """Organisational agreements: most S and A accounts, a few others; some expired."""
    r = rng.random
    if r() >= AGREEMENT_SHARE[org.tier]:
        return []
    rows = []
    for k in range(rng.randint(1, 2) if org.tier == "S" else 1):
        signed = rng.randint(30, 5 * 365)
        expires = "" if r() < 0.05 else days.shift(rng.randint(3, 5) * 365 - signed)
        rows.append([f"{org.id}-g{k + 1}", org.id, _draw(AGREEMENT_KINDS[org.tier], r), days.ago(signed), expires])
    return rows


# --- plans and feedback (their own random stream) ------------------------------------------------


def _plans(org: _Org, team: list[int], key: list[int], rng: random.Random, days: _Days,
           force: _Force) -> list[list[str]]:
    """0–3 relationship-improvement plans, owned by team reps: deepen a key contact,
    meet a unit, or (S and A) sign a strategic cooperation agreement; created up to
    200 days ago, due 30–120 days later (so some are overdue)."""
    rows = []
    for k in range(rng.randint(0, PLANS_MAX)):
        owner = force.ids[_draw(team, rng.random)]
        created = rng.randint(1, 200)
        due = days.shift(rng.randint(30, 120) - created)
        goal = rng.random()
        if org.tier in "SA" and goal < 0.15:
            row = ["organisational", "", "", owner, "agreement", "strategic_cooperation"]
        elif key and goal < 0.7:
            row = ["key", org.cids[_draw(key, rng.random)], "", owner, "depth", str(rng.randint(2, 4))]
        else:
            row = ["general", "", org.unit_ids[rng.randrange(len(org.unit_ids))], owner, "activity", "visit"]
        rows.append([f"{org.id}-p{k + 1}", org.id, *row, days.ago(created), due])
    return rows


def _feedback(org: _Org, rng: random.Random, days: _Days) -> list[list[str]]:
    """0–2 feedback records from the last two years: complaints 50 %, praise 35 %,
    requests 15 %; two in three closed, 1–60 days after."""
    rows = []
    for k in range(rng.randint(0, FEEDBACK_MAX)):
        age = rng.randint(0, 730)
        kind = _draw(FEEDBACK_KINDS, rng.random)
        closed = rng.random() < 2 / 3 and age > 0
        rows.append([f"{org.id}-f{k + 1}", org.id, org.cids[rng.randrange(len(org.cids))], days.ago(age), kind,
                     _draw(SEVERITIES, rng.random), "closed" if closed else "open",
                     days.ago(max(0, age - rng.randint(1, 60))) if closed else "", ""])
    return rows
