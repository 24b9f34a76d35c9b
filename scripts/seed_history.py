"""Write ``seeds/history/audit.csv``: a year of audit trail that ends in the seeds.

    .venv/bin/python scripts/seed_history.py

Deterministic (no randomness: every date follows from the records). The story,
over the year before the seeds' day (2025-11-15 … 2026-11-15):

- the accounts, units, reps, influences and team are written on the first day;
  contacts on the first day or, for a sixth of them, in the first months;
- each relationship is written when it began (``since``, or the first day) at one
  level shallower than it ends (depth 1 stays 1), last met that day; the meeting
  that brought it to its final depth and last contact is written on that last
  contact (when it falls in the year) — so relationships decay and recover;
- bids are written as leads four months before their tender (or on the first
  day), move to qualify and tender, and the won ones are won on their tender day;
  their decision chains are written with them, the final stances at the tender stage;
- agreements and activities are written on their own day (or the first day);
- plans are written on the day they were created; feedback on its own day, and a
  closed one is written open then and closed on the day it was closed;
- the inactive rep leaves on 2026-08-31, and two reps join a team in 2026.

``graphcrm demo`` loads this trail with the seeds (``graphcrm.cli``); the trail's
last word on every record is the record in the seeds.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphcrm import fileformat  # noqa: E402
from graphcrm.audit import Action, AuditEntry  # noqa: E402
from graphcrm.model import RECORD_TYPES, Bid, BidStage, Contact, FeedbackStatus, Record, kind_of  # noqa: E402
from graphcrm.schema import home_account  # noqa: E402

SEEDS = ROOT / "seeds"
START, END = dt.date(2025, 11, 16), dt.date(2026, 11, 15)
LEAVES = dt.date(2026, 8, 31)
ACTOR, VIA = "os:seed", "seed history"
"""Who wrote the seeded trail (``graphcrm demo`` tells its entries from other writes by ``VIA``)."""


def _in_year(day: dt.date | None, fallback: dt.date = START) -> dt.date:
    return day if day is not None and START <= day <= END else fallback


def _stable(text: str) -> int:
    """A number from a string that is the same in every run (unlike ``hash``)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


def story(data) -> list[tuple[dt.date, str, Record | None, Record]]:
    """(day, action, before, after) of every write of the year, in no order."""
    writes = []
    contact_day = {c.id: START + dt.timedelta(days=_stable(c.id) % 120) if _stable(c.id) % 6 == 0 else START
                   for c in data.contacts}
    for t in RECORD_TYPES:
        for r in data.records(t):
            kind = kind_of(t)
            if kind == "relationship":
                began = max(_in_year(r.since), contact_day[r.contact_id])
                first = r.model_copy(update={"depth": max(1, r.depth - 1), "last_contact": began})
                writes.append((began, "create", None, first))
                if first != r:
                    writes.append((max(began, _in_year(r.last_contact, began)), "update", first, r))
            elif kind == "bid" and r.tender_date is not None and r.tender_date < START:
                writes.append((START, "create", None, r))  # decided before the year: as it ends
            elif kind == "bid":
                lead = _in_year(r.tender_date - dt.timedelta(days=120) if r.tender_date else None)
                stages = ["lead", "qualify", "tender"][: ["lead", "qualify", "tender", "submitted", "won",
                                                           "lost"].index(r.stage) + 1] or ["lead"]
                days = [lead + dt.timedelta(days=40 * i) for i in range(len(stages))]
                before = None
                for day, stage in zip(days, stages):
                    now = r.model_copy(update={"stage": BidStage(stage)})
                    writes.append((min(day, END), "create" if before is None else "update", before, now))
                    before = now
                if before != r:
                    writes.append((_in_year(r.tender_date, END), "update", before, r))
            elif kind == "bid_role":
                bid = next(b for b in data.bids if b.id == r.bid_id)
                lead = _in_year(bid.tender_date - dt.timedelta(days=120) if bid.tender_date else None)
                lead = max(lead, contact_day[r.contact_id])
                first = r.model_copy(update={"stance": None}) if r.stance not in (None, 0) else r
                writes.append((lead, "create", None, first))
                if first != r:
                    writes.append((min(lead + dt.timedelta(days=80), END), "update", first, r))
            elif kind == "contact":
                writes.append((contact_day[r.id], "create", None, r))
            elif kind == "influence":
                writes.append((max(contact_day[r.source_id], contact_day[r.target_id]), "create", None, r))
            elif kind == "rep" and not r.active:
                active = r.model_copy(update={"active": True})
                writes += [(START, "create", None, active), (LEAVES, "update", active, r)]
            elif kind == "team_member" and _stable(r.rep_id + r.account_id) % 7 == 0:
                writes.append((START + dt.timedelta(days=90 + _stable(r.rep_id) % 150), "create", None, r))
            elif kind in ("activity", "agreement"):
                writes.append((_in_year(getattr(r, "date", None) or getattr(r, "signed", None)), "create", None, r))
            elif kind == "plan":
                writes.append((_in_year(r.created), "create", None, r))
            elif kind == "feedback" and r.status == FeedbackStatus.closed and r.closed is not None:
                opened = r.model_copy(update={"status": FeedbackStatus.open, "closed": None})
                writes += [(_in_year(r.date), "create", None, opened), (_in_year(r.closed), "update", opened, r)]
            elif kind == "feedback":
                writes.append((_in_year(r.date), "create", None, r))
            else:
                writes.append((START, "create", None, r))
    return writes


def trail(data) -> list[AuditEntry]:
    homes = {Contact: {c.id: c.account_id for c in data.contacts}, Bid: {b.id: b.account_id for b in data.bids}}
    order = {t: i for i, t in enumerate(RECORD_TYPES)}
    writes = sorted(story(data), key=lambda w: (w[0], w[1] != "create", order[type(w[3])], w[3].key))
    entries = []
    for n, (day, action, before, after) in enumerate(writes):
        at = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(seconds=n)
        entries.append(AuditEntry(
            id=f"{at:%Y-%m-%dT%H:%M:%S.%f}Z-seed0000-{n:08d}", at=at, actor=ACTOR, via=VIA, action=Action(action),
            kind=kind_of(type(after)), key="/".join(after.key), account_id=home_account(after, homes),
            before=None if before is None else before.model_dump(mode="json", exclude_none=True),
            after=after.model_dump(mode="json", exclude_none=True)))
    return entries


def main() -> None:
    data = fileformat.read_csv_dir(SEEDS).data
    out = SEEDS / "history"
    out.mkdir(exist_ok=True)
    entries = trail(data)
    written = fileformat.write_csv_dir(data.model_copy(update={f: [] for f in data.counts()}), out, entries)
    for path in written:
        if path.name != "audit.csv":
            path.unlink()
    print(f"wrote {len(entries)} entries to {out / 'audit.csv'}")


if __name__ == "__main__":
    main()
