"""Synthetic data for the benchmarks: deterministic for a seed, shaped like a portfolio.

Not the product's generator (``graphcrm generate`` is issue 6's): just enough
realism for the analyses to do their real work — reporting trees, influence
edges, a shared sales force, stale and inactive cases, an open bid per account.
"""

from __future__ import annotations

import datetime as dt
import random

from graphcrm.model import (
    Account, Bid, BidRole, Contact, Dataset, Influence, Relationship, Rep, TeamMember, Unit,
)

AS_OF = dt.date(2026, 11, 15)
LEVELS = ["executive", "senior", "middle", "staff"]
ROLES = ["decision_maker", "approver", "technical_evaluator", "commercial_evaluator", "influencer", "user"]


def reps(n: int, rng: random.Random) -> list[Rep]:
    return [Rep(id=f"r{i}", name=f"Rep {i}", level=rng.choice(LEVELS), active=rng.random() > 0.05,
                role="account_manager") for i in range(n)]


def account(i: int, contacts: int, team: list[str], influences_per_contact: float,
            relationships: int, chain: int, rng: random.Random) -> Dataset:
    """One account: an HQ with departments and branches, a reporting tree, influence
    edges, relationships from ``team`` with mixed recency, one open bid."""
    a = f"a{i}"
    units = [Unit(id=f"{a}-u0", account_id=a, name="HQ", kind="hq")]
    units += [Unit(id=f"{a}-u{k}", account_id=a, name=f"Unit {k}", kind=rng.choice(["department", "branch"]),
                   parent_unit_id=f"{a}-u0") for k in range(1, max(2, contacts // 10))]
    cs = []
    for k in range(contacts):
        level = "executive" if k < max(1, contacts // 25) else rng.choice(LEVELS[1:])
        cs.append(Contact(id=f"{a}-c{k}", account_id=a, name=f"Contact {k}", level=level,
                          unit_id=rng.choice(units).id, reports_to=f"{a}-c{rng.randrange(k)}" if k else None))
    pairs = set()
    while len(pairs) < int(contacts * influences_per_contact):
        s, t = rng.randrange(contacts), rng.randrange(contacts)
        if s != t:
            pairs.add((s, t))
    infl = [Influence(source_id=f"{a}-c{s}", target_id=f"{a}-c{t}", strength=round(rng.uniform(0.1, 1), 2))
            for s, t in sorted(pairs)]
    rels = {}
    while len(rels) < min(relationships, contacts * len(team)):
        r, c = rng.choice(team), rng.randrange(contacts)
        age = int(rng.expovariate(1 / 150))
        rels[(r, c)] = Relationship(rep_id=r, contact_id=f"{a}-c{c}", depth=rng.choice([1, 2, 2, 3, 3, 4]),
                                    last_contact=AS_OF - dt.timedelta(days=age) if rng.random() > 0.05 else None)
    bid = Bid(id=f"{a}-b0", account_id=a, name="Tender", stage="tender")
    roles = [BidRole(bid_id=bid.id, contact_id=f"{a}-c{k}", role=rng.choice(ROLES),
                     influence=rng.choice(["high", "medium", "low"]), stance=rng.choice([-2, -1, 0, 1, 2, None]))
             for k in rng.sample(range(contacts), min(chain, contacts))]
    return Dataset(
        accounts=[Account(id=a, name=f"Account {i}", tier=rng.choice("SABC"))],
        units=units, contacts=cs, influences=infl, relationships=list(rels.values()),
        account_team=[TeamMember(account_id=a, rep_id=r) for r in team],
        bids=[bid], bid_roles=roles,
    )


def big_account(seed: int = 1) -> tuple[Dataset, str]:
    """One account of 500 contacts, 40 reps, 2,000 influence edges; and its bid id."""
    rng = random.Random(seed)
    force = reps(40, rng)
    data = account(0, 500, [r.id for r in force], 4.0, 1500, 40, rng)
    return data.model_copy(update={"reps": force}), "a0-b0"


def portfolio(accounts: int, contacts_per_account: int = 50, relationships_per_account: int = 150,
              sales_force: int = 500, seed: int = 1):
    """Yield the reps, then one Dataset per account (stream: never all in memory)."""
    rng = random.Random(seed)
    force = reps(sales_force, rng)
    yield Dataset(reps=force)
    for i in range(accounts):
        team = [r.id for r in rng.sample(force, rng.randint(5, 12))]
        yield account(i, contacts_per_account, team, 1.5, relationships_per_account, 10, rng)
