"""Issue 7: 20 concurrent writers, an importer and readers against a real
`graphcrm serve` process on the embedded store (no TestClient, no mocks).

For ``DURATION`` seconds:

- 20 writers ``PUT /relationships/{rep}/{contact}`` (pairs of their own, and
  ``SHARED_PAIRS`` that every writer writes) and ``PUT /activities/{id}`` (ids of
  their own). Every relationship write carries a ``last_contact`` no other write
  uses, so the stored value says which write it came from.
- one importer ``POST /import``s batch after batch; batch ``k`` sets the same
  marker on a recognisable set of records at once: title ``Probe batch k`` on all
  contacts of ``PROBE_ACCOUNT``, and ``since`` = ``PROBE_DAY0 + k`` days (and
  depth ``k % 5``) on every relationship of ``PROBE_REP``.
- readers ask for the coverage check, single relationships, and the two lists
  that show a whole import batch: ``GET /contacts?account_id=…`` and
  ``GET /relationships?rep_id=…``. Each list's rows come from one query (one read
  transaction), so they must all carry the same batch number, and it never goes
  down from one read to the next. The analyses and ``/export`` read one record
  type per query, so they cannot show one snapshot across types; they are not
  used for the half-an-import check.

Then: every response was 2xx; ``GET /export`` holds every acknowledged write
(own pairs: the writer's last; shared pairs: a write that no other write wholly
followed — the last acknowledged one or one still in flight with it; activities
and the ``last_contact`` their logging moves forward; the last import batch); no
key twice; and the server's coverage report equals the CLI's on the same file
once the server is gone (no stale cached report).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port, wait_until_serving

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"

DURATION = 30.0
"""Seconds of concurrent load."""
WRITERS = 20
READERS = 4
IMPORT_PAUSE = 0.25
"""Seconds between two imports of the importer."""
BID = "bid-jnm-5g-core-2026"
AS_OF = "2026-11-15"
COVERAGE = f"/bids/{BID}/coverage?as_of={AS_OF}"

REPS = ["rep-liu-yang", "rep-li-na", "rep-wang-hao", "rep-sun-qiang", "rep-zhang-min", "rep-he-jing",
        "rep-guo-tao", "rep-ma-lin", "rep-zhao-lei", "rep-chen-yu", "rep-xu-fang", "rep-tang-wei", "rep-feng-bo"]
OWN_PAIRS = 3
"""(rep, contact) pairs each writer alone writes: contacts of acc-jnm, none twice."""
SHARED_PAIRS = [("rep-liu-yang", "c-jnm-003"), ("rep-li-na", "c-jnm-031"),
                ("rep-wang-hao", "c-jnm-021"), ("rep-zhao-lei", "c-jnm-001")]
ACTIVITY_ACCOUNT = "acc-mzp"  # activities log KNOWS on mzp contacts: no pair the writers PUT
MZP_CONTACTS = [f"c-mzp-{n:03d}" for n in range(1, 10)]
PROBE_REP = "rep-probe"
PROBE_ACCOUNT = "acc-jnpg"
PROBE_DAY0 = dt.date(2010, 1, 1)
DAY0 = dt.date(2001, 1, 1)
"""``last_contact`` of relationship write number n is DAY0 + n days."""


def own_pairs(writer: int) -> list[tuple[str, str]]:
    return [(REPS[writer % 12 + 1], f"c-jnm-{writer * OWN_PAIRS + t + 1:03d}") for t in range(OWN_PAIRS)]


@dataclass
class Op:
    kind: str  # rel-own, rel-shared, activity, import, coverage, get-rel, probe-contacts, probe-rels
    path: str
    start: float
    end: float
    status: int | None  # None: no response (transport error)
    body: str = ""
    sent: object = None  # what a write sent


@dataclass
class Log:
    ops: list[Op] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what readers saw that they must not
    batches: set[int] = field(default_factory=set)  # import batches a reader saw

    def call(self, client: httpx.Client, kind: str, method: str, path: str, sent=None, **kw) -> Op:
        start = time.monotonic()
        try:
            r = client.request(method, path, **kw)
            op = Op(kind, path, start, time.monotonic(), r.status_code, r.text, sent)
        except httpx.HTTPError as e:
            op = Op(kind, path, start, time.monotonic(), None, f"{type(e).__name__}: {e}", sent)
        self.ops.append(op)
        return op


def _seed_rows(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8") as f:
        return [{k: v for k, v in row.items() if v != ""} for row in csv.DictReader(f)]


PROBE_CONTACTS = [c for c in _seed_rows("contacts") if c["account_id"] == PROBE_ACCOUNT]


def import_batch(k: int) -> dict:
    """Batch k: one marker on every probe contact and every probe relationship."""
    since = (PROBE_DAY0 + dt.timedelta(days=k)).isoformat()
    return {
        "reps": [{"id": PROBE_REP, "name": "Import Probe", "active": True}],
        "contacts": [{**c, "title": f"Probe batch {k:05d}"} for c in PROBE_CONTACTS],
        "relationships": [{"rep_id": PROBE_REP, "contact_id": c["id"], "depth": k % 5, "since": since,
                           "last_contact": since} for c in PROBE_CONTACTS],
    }


def _batch_of_contacts(rows: list[dict]) -> set[int]:
    return {int(r["title"].removeprefix("Probe batch ")) for r in rows}


def _batch_of_relationships(rows: list[dict]) -> set[int]:
    return {(dt.date.fromisoformat(r["since"]) - PROBE_DAY0).days for r in rows}


# --- the load -----------------------------------------------------------------------------


def writer(client: httpx.Client, log: Log, w: int, stop: float, counter) -> None:
    own = own_pairs(w)
    for j in itertools.count():
        if time.monotonic() >= stop:
            return
        if j % 3 == 2:
            act = {"id": f"act-cc-w{w:02d}-{j:05d}",
                   "date": (dt.date(2026, 1, 1) + dt.timedelta(days=(w * 7 + j) % 300)).isoformat(),
                   "kind": "call", "account_id": ACTIVITY_ACCOUNT,
                   "rep_ids": sorted({REPS[w % 13], REPS[(w + 5) % 13]}),
                   "contact_ids": sorted({MZP_CONTACTS[w % 9], MZP_CONTACTS[(w + j) % 9]}),
                   "summary": f"writer {w} call {j}"}
            log.call(client, "activity", "PUT", f"/activities/{act['id']}", act, json=act)
            continue
        rep, contact = own[j % OWN_PAIRS] if j % 3 == 0 else SHARED_PAIRS[(w + j) % len(SHARED_PAIRS)]
        n = next(counter)
        body = {"rep_id": rep, "contact_id": contact, "depth": n % 5,
                "last_contact": (DAY0 + dt.timedelta(days=n)).isoformat(), "since": "2000-01-01"}
        log.call(client, "rel-own" if j % 3 == 0 else "rel-shared", "PUT", f"/relationships/{rep}/{contact}",
                 body, json=body)


def importer(client: httpx.Client, log: Log, stop: float, first: int) -> None:
    for k in itertools.count(first):
        if time.monotonic() >= stop:
            return
        log.call(client, "import", "POST", "/import", k, json=import_batch(k))
        time.sleep(IMPORT_PAUSE)


def reader(client: httpx.Client, log: Log, r: int, stop: float) -> None:
    seen = {"probe-contacts": 0, "probe-rels": 0}
    for j in itertools.count(r):
        if time.monotonic() >= stop:
            return
        step = j % 4
        if step == 0:
            log.call(client, "coverage", "GET", COVERAGE)
        elif step == 1:
            rep, contact = SHARED_PAIRS[j % len(SHARED_PAIRS)]
            log.call(client, "get-rel", "GET", f"/relationships/{rep}/{contact}")
        else:
            kind, path, batch_of = (
                ("probe-contacts", f"/contacts?account_id={PROBE_ACCOUNT}&limit=500", _batch_of_contacts)
                if step == 2 else
                ("probe-rels", f"/relationships?rep_id={PROBE_REP}&limit=500", _batch_of_relationships))
            op = log.call(client, kind, "GET", path)
            if op.status == 200:
                rows = json.loads(op.body)["data"]
                batches = batch_of(rows)
                if len(rows) != len(PROBE_CONTACTS) or len(batches) != 1:
                    log.problems.append(f"{kind}: {len(rows)} rows from batches {sorted(batches)} "
                                        f"(half an import) at t={op.end:.3f}")
                elif min(batches) < seen[kind]:
                    log.problems.append(f"{kind}: batch {min(batches)} after batch {seen[kind]} (went back)")
                else:
                    seen[kind] = min(batches)
                    log.batches.add(seen[kind])


# --- the server -----------------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GRAPHCRM, *args], capture_output=True, text=True, timeout=60)


def _pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _stats(ops: list[Op], elapsed: float) -> dict:
    ms = [1000 * (o.end - o.start) for o in ops]
    return {"n": len(ops), "per_s": len(ops) / elapsed, "p50": _pct(ms, 50), "p95": _pct(ms, 95), "max": max(ms)}


@pytest.mark.slow
def test_concurrent_writers_and_readers_on_the_embedded_store(tmp_path):
    db = f"ladybug://{tmp_path / 's.lbug'}"
    loaded = _run("--db", db, "load", str(SEEDS))
    assert loaded.returncode == 0, loaded.stderr
    created = _run("--db", db, "keys", "create", "--role", "admin", "--name", "concurrency")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = open(tmp_path / "server.log", "w")  # never a pipe: a full pipe would stall the server
    server = subprocess.Popen([GRAPHCRM, "--db", db, "serve", "--port", str(port)],
                              stdout=server_log, stderr=subprocess.STDOUT)
    clients: list[httpx.Client] = []

    def client() -> httpx.Client:
        c = httpx.Client(base_url=base, headers=headers, timeout=60)
        clients.append(c)
        return c

    try:
        wait_until_serving(base, server, seconds=20, log=tmp_path / "server.log")
        setup = Log()
        first = setup.call(client(), "import", "POST", "/import", 0, json=import_batch(0))
        assert first.status == 200, first.body[:500]
        assert not set(SHARED_PAIRS) & {p for w in range(WRITERS) for p in own_pairs(w)}
        for rep, contact in SHARED_PAIRS:  # they exist before anyone reads them
            body = {"rep_id": rep, "contact_id": contact, "depth": 1}
            put = setup.call(client(), "rel-shared", "PUT", f"/relationships/{rep}/{contact}", body, json=body)
            assert put.status in (200, 201), put.body[:500]

        logs = [Log() for _ in range(WRITERS + 1 + READERS)]
        counter = itertools.count()
        server_cpu = _cpu_seconds(server.pid)
        started = time.monotonic()
        stop = started + DURATION
        threads = [threading.Thread(target=writer, args=(client(), logs[w], w, stop, counter))
                   for w in range(WRITERS)]
        threads.append(threading.Thread(target=importer, args=(client(), logs[WRITERS], stop, 1)))
        threads += [threading.Thread(target=reader, args=(client(), logs[WRITERS + 1 + r], r, stop))
                    for r in range(READERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=DURATION + 120)
        elapsed = time.monotonic() - started
        assert not any(t.is_alive() for t in threads), "a thread still runs (a request hung)"
        after = _cpu_seconds(server.pid)
        server_cpu = None if server_cpu is None or after is None else after - server_cpu

        ops = [o for log in logs for o in log.ops]
        writes = [o for o in ops if o.kind in ("rel-own", "rel-shared", "activity", "import")]
        reads = [o for o in ops if o not in writes]
        figures = {"writes": _stats(writes, elapsed), "reads": _stats(reads, elapsed)}
        for kind in ("rel-own", "rel-shared", "activity", "import", "coverage", "get-rel", "probe-contacts",
                     "probe-rels"):
            figures[kind] = _stats([o for o in ops if o.kind == kind], elapsed)
        print(f"\nconcurrency: {WRITERS} writers + 1 importer + {READERS} readers for {elapsed:.1f} s "
              f"({os.cpu_count()} CPUs); server CPU {server_cpu if server_cpu is None else round(server_cpu, 1)} s; "
              f"readers saw {len(set().union(*(log.batches for log in logs)))} distinct import batches")
        for name, s in figures.items():
            print(f"  {name:15} {s['n']:6d} ({s['per_s']:7.1f}/s)  p50 {s['p50']:7.1f} ms  "
                  f"p95 {s['p95']:7.1f} ms  max {s['max']:7.1f} ms")

        # 1. every response 2xx
        bad = [f"{o.kind} {o.path}: {o.status} {o.body[:300]}" for o in ops if o.status is None or o.status >= 300]
        assert not bad, f"{len(bad)} error responses, e.g.:\n" + "\n".join(bad[:10])
        # 2. readers never saw half an import, nor an older batch after a newer one
        seen_wrong = [p for log in logs for p in log.problems]
        assert not seen_wrong, "\n".join(seen_wrong[:10])

        # 3. the final state holds every acknowledged write
        final_coverage = httpx.get(f"{base}{COVERAGE}", headers=headers, timeout=60)
        exported = httpx.get(f"{base}/export", headers=headers, timeout=60)
        assert final_coverage.status_code == 200 and exported.status_code == 200
        doc = exported.json()
        rel_keys = [(r["rep_id"], r["contact_id"]) for r in doc["relationships"]]
        assert len(rel_keys) == len(set(rel_keys)), "a relationship is stored twice"
        act_ids = [a["id"] for a in doc["activities"]]
        assert len(act_ids) == len(set(act_ids)), "an activity is stored twice"
        rels = dict(zip(rel_keys, doc["relationships"]))
        acts = {a["id"]: a for a in doc["activities"]}

        lost = []
        by_pair: dict[tuple[str, str], list[Op]] = {}
        for o in writes:
            if o.kind.startswith("rel-"):
                by_pair.setdefault((o.sent["rep_id"], o.sent["contact_id"]), []).append(o)
        for pair, pair_ops in by_pair.items():
            stored = rels.get(pair)
            # the write that wins is one that no other write wholly followed (for the pairs of
            # one writer, whose writes follow each other: simply its last)
            latest_start = max(o.start for o in pair_ops)
            candidates = [o.sent for o in pair_ops if o.end >= latest_start]
            if stored not in candidates:
                last = max(pair_ops, key=lambda o: o.end).sent
                lost.append(f"{pair}: stored {stored}, last acknowledged {last} "
                            f"({len(candidates)} candidate(s) of {len(pair_ops)} writes)")
        logged: dict[tuple[str, str], str] = {}
        for o in writes:
            if o.kind == "activity":
                a = o.sent
                got = acts.get(a["id"])
                if got != a:
                    lost.append(f"activity {a['id']}: stored {got}, sent {a}")
                for r in a["rep_ids"]:
                    for c in a["contact_ids"]:
                        logged[(r, c)] = max(logged.get((r, c), a["date"]), a["date"])
        for pair, day in logged.items():
            stored = rels.get(pair)
            if stored is None or stored.get("last_contact", "") < day:
                lost.append(f"{pair}: last_contact {stored and stored.get('last_contact')}, "
                            f"but an acknowledged activity of {day} logged it")
        last_batch = max((o for o in writes if o.kind == "import"), key=lambda o: o.end, default=first).sent
        probe_contacts = [c for c in doc["contacts"] if c["account_id"] == PROBE_ACCOUNT]
        probe_rels = [r for r in doc["relationships"] if r["rep_id"] == PROBE_REP]
        if _batch_of_contacts(probe_contacts) != {last_batch} or _batch_of_relationships(probe_rels) != {last_batch}:
            lost.append(f"probe records of batches {_batch_of_contacts(probe_contacts)} / "
                        f"{_batch_of_relationships(probe_rels)}, last acknowledged import: batch {last_batch}")
        assert not lost, f"{len(lost)} lost updates:\n" + "\n".join(lost[:10])
    finally:
        for c in clients:
            c.close()
        server.terminate()
        server.wait(timeout=30)
        server_log.close()

    # 4. the server's report is the store's, not a stale cached one: the CLI on the same file
    cli = _run("--db", db, "check", BID, "--as-of", AS_OF, "--json")
    assert cli.returncode == 0, cli.stderr
    assert final_coverage.json() == json.loads(cli.stdout)
