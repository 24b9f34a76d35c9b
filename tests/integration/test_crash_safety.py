"""Crash safety (issue 7, "no data lost"): a ``graphcrm`` process killed with
SIGKILL at any moment leaves the embedded store as it was before its write or
as it is after it — never anything in between.

- Loads: ``graphcrm load`` of a big input (bulk COPY path, ≥ 20,000 rows) and of a
  smaller one (ordinary UNWIND/MERGE path) onto a generated portfolio, killed at
  seeded random moments spread from before its write transaction begins to after
  the process has ended. Every reopened store must export exactly as BEFORE or as
  AFTER (record counts and the SHA-256 of the JSON export).
- API writes: ``graphcrm serve`` receives a stream of PUTs (relationships with
  changing depths, activities, whose logging moves or creates KNOWS edges) and is
  killed at random moments. The reopened store must equal the state after exactly
  the acknowledged writes, or after those plus the one request in flight: every
  2xx write is kept, no write is half applied.

Real processes, real SIGKILL. Reopening and exporting a killed store happens in a
helper process, so a store that crashes the engine on reopen fails the test
instead of killing pytest.

This harness found that plain LadybugDB 0.22 reopens half written after a kill
while a COMMIT checkpoints a transaction that COPYs new rows and SETs old ones
(the SETs are replayed from the WAL, the copied rows are lost). The bulk path is
journalled since (graphcrm/store/ladybug.py): a store reopened after such a kill
is put back as it was before the load.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
import pytest

from graphcrm.store.ladybug import BULK_FROM  # the two load inputs sit on either side of it

from tests.servers import free_port, wait_until_serving

pytestmark = pytest.mark.slow

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


# --- helpers that run in the helper process ------------------------------------------


def _digest(store, scratch: Path) -> tuple[dict[str, int], str, dict[str, str]]:
    """A store's records per kind, the SHA-256 of its JSON export (as ``graphcrm
    export --format json`` writes it), and a SHA-256 per kind (to say what differs)."""
    from graphcrm import fileformat

    data = store.export()
    out = scratch / "export.json"
    fileformat.write_json(data, out)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    kinds = {kind: hashlib.sha256(json.dumps(records, sort_keys=True).encode()).hexdigest()
             for kind, records in json.loads(out.read_text(encoding="utf-8")).items()}
    out.unlink()
    return data.counts(), digest, kinds


def _export_digest(path: str) -> tuple[dict[str, int], str, dict[str, str]]:
    """Reopen the store at ``path`` as any graphcrm command does (WAL replay
    included), then ``_digest`` it."""
    from graphcrm.store import open_store

    with open_store(f"ladybug://{path}") as store:
        return _digest(store, Path(path).parent)


def _replay_writes(path: str, writes: list[tuple[str, dict]], wanted: list[int]) -> dict[int, tuple]:
    """Apply ``writes`` one by one to the store at ``path`` as the API's PUT does
    (``services.save``); the digest after the first k writes for each k in ``wanted``."""
    from api.routes.records import RESOURCES
    from graphcrm import services
    from graphcrm.store import open_store

    states = {}
    with open_store(f"ladybug://{path}") as store:
        for k in range(max(wanted) + 1):
            if k:
                resource, body = writes[k - 1]
                services.save(store, RESOURCES[resource].model_validate(body))
            if k in wanted:
                states[k] = _digest(store, Path(path).parent)
    return states


# --- helpers in the test process ----------------------------------------------------


@pytest.fixture(scope="module")
def helper():
    """One spawned process that reopens and exports stores."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def graphcrm(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([GRAPHCRM, *args], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"graphcrm {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


def copy_store(source: Path, target_dir: Path) -> Path:
    """Copy a store's files (``x.lbug``, ``x.lbug.wal`` if present, …) into a new directory."""
    target_dir.mkdir(parents=True)
    for f in source.parent.glob(source.name + "*"):
        shutil.copy2(f, target_dir / f.name)
    return target_dir / source.name


def csv_rows(directory: Path) -> int:
    total = 0
    for f in directory.glob("*.csv"):
        with f.open(newline="", encoding="utf-8") as fh:
            total += sum(1 for _ in csv.reader(fh)) - 1
    return total


def engine_phase(store: Path) -> str:
    """What the engine's files next to ``store`` show: ``clean`` (the data file
    only: before COMMIT — LadybugDB keeps an open write transaction in memory — or
    after the checkpoint that follows it), ``wal`` (COMMIT has written the WAL),
    ``checkpoint`` (COMMIT is folding the WAL and the transaction's new data into
    the data file: ``.wal.checkpoint``, ``.shadow`` and lock files exist)."""
    names = {f.name.removeprefix(store.name) for f in store.parent.glob(store.name + "*")}
    if names & {".wal.checkpoint", ".shadow", ".checkpoint.intent.lock", ".checkpoint.apply.lock"}:
        return "checkpoint"
    return "wal" if ".wal" in names else "clean"


def differ(state: tuple, other: tuple) -> str:
    """The kinds of records in which two ``_digest`` results differ, with their counts."""
    kinds = [k for k in other[2] if state[2].get(k) != other[2][k]]
    return ", ".join(f"{k} ({state[0].get(k)} vs {other[0].get(k)})" for k in kinds) or "none"


# --- loads ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    """BEFORE: a generated portfolio of 20 accounts, loaded; and two inputs that
    overlap it (same account ids, other contents) so loading them both adds and updates."""
    root = tmp_path_factory.mktemp("crash_loads")
    graphcrm("generate", "--accounts", "20", "--seed", "1", str(root / "base"))
    graphcrm("generate", "--accounts", "100", "--seed", "2", str(root / "big"))  # ~32,000 rows
    graphcrm("generate", "--accounts", "20", "--seed", "3", str(root / "small"))  # ~4,000 rows
    before = root / "before" / "s.lbug"
    before.parent.mkdir()
    graphcrm("--db", f"ladybug://{before}", "load", str(root / "base"))
    return root, before


@pytest.mark.parametrize("name, kills, seed, bulk", [
    ("big", 20, 1, True),  # ≥ 20,000 rows: the COPY-based bulk path (journalled: see graphcrm/store/ladybug.py)
    ("small", 6, 2, False),  # fewer: the ordinary UNWIND … MERGE path
])
def test_load_killed_at_any_moment_leaves_before_or_after(portfolio, helper, tmp_path, name, kills, seed, bulk):
    root, before = portfolio
    source = root / name
    if (csv_rows(source) >= BULK_FROM) != bulk:  # 
        pytest.fail(f"{csv_rows(source)} rows no longer exercise the intended write path")
    state_before = helper.submit(_export_digest, str(copy_store(before, tmp_path / "ref_before"))).result()

    # AFTER, and how long an undisturbed load takes (process start to exit)
    after = copy_store(before, tmp_path / "ref_after")
    started = time.monotonic()
    graphcrm("--db", f"ladybug://{after}", "load", str(source))
    duration = time.monotonic() - started
    state_after = helper.submit(_export_digest, str(after)).result()
    if state_after == state_before:
        pytest.fail("the load changes nothing")

    # kill moments: one random moment in each of `kills` equal slices of [0, 1.2 × duration]
    rng = random.Random(seed)
    delays = [(i + rng.random()) * 1.2 * duration / kills for i in range(kills)]
    rng.shuffle(delays)

    runs = []  # (delay, engine phase at the kill, store, its reopened export: a future)
    for i, delay in enumerate(delays):
        store = copy_store(before, tmp_path / f"run{i:02d}")
        err = (store.parent / "stderr.txt").open("w")
        started = time.monotonic()
        process = subprocess.Popen([GRAPHCRM, "--db", f"ladybug://{store}", "load", str(source)],
                                   stdout=subprocess.DEVNULL, stderr=err)
        try:
            process.wait(timeout=max(0.0, started + delay - time.monotonic()))
            phase = "exited"
        except subprocess.TimeoutExpired:
            phase = engine_phase(store)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        err.close()
        if phase == "exited" and process.returncode != 0:
            pytest.fail(f"run {i}: the load failed by itself:\n{(store.parent / 'stderr.txt').read_text()[-2000:]}")
        runs.append((delay, phase, store, helper.submit(_export_digest, str(store))))  # reopened meanwhile

    outcomes: list[tuple[float, str, str]] = []  # (delay, engine phase at the kill, outcome)
    wrong: list[str] = []
    for i, (delay, phase, store, reopened) in enumerate(runs):
        try:
            state = reopened.result()
        except Exception as e:  # noqa: BLE001 - reported with its run below
            wrong.append(f"run {i} (killed at {delay:.2f} s, during {phase}): reopening failed: {e!r}")
            continue
        outcome = "before" if state[:2] == state_before[:2] else "after" if state[:2] == state_after[:2] else "other"
        outcomes.append((delay, phase, outcome))
        if outcome == "other":
            wrong.append(f"run {i} (killed at {delay:.2f} s, during {phase}, kept in {store.parent}): "
                         f"counts {state[0]}\n  kinds unlike BEFORE: {differ(state, state_before)}; "
                         f"unlike AFTER: {differ(state, state_after)}")
        else:
            shutil.rmtree(store.parent)

    split = Counter(o for *_, o in outcomes)
    detail = ", ".join(f"{d:.2f}s {p}→{o}" for d, p, o in sorted(outcomes))
    summary = (f"{name} input ({csv_rows(source)} rows), undisturbed load {duration:.2f} s, {kills} kills: "
               f"{split['before']} before, {split['after']} after, {split['other']} other; {detail}")
    print(summary)
    assert not wrong, summary + "\n" + "\n".join(wrong)  # the one assertion the bulk case's xfail is about
    if not (split["before"] and split["after"]):
        pytest.fail("the kills did not land on both sides of the commit: " + summary)


# --- API writes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_before(tmp_path_factory):
    """BEFORE for the API: the seeds and an admin key."""
    store = tmp_path_factory.mktemp("crash_api") / "before" / "s.lbug"
    store.parent.mkdir()
    graphcrm("--db", f"ladybug://{store}", "load", str(SEEDS))
    token = graphcrm("--db", f"ladybug://{store}", "keys", "create", "--role", "admin").stdout.strip()
    return store, token


def write_stream(n: int, seed: int) -> list[tuple[str, dict]]:
    """``n`` PUTs: relationships re-written with changing depths and dates, and new
    activities whose attendees' KNOWS edges move forward or appear at depth 1."""
    from graphcrm.fileformat import read_csv_dir

    seeds = read_csv_dir(SEEDS).data
    rng = random.Random(seed)
    team = {a.id: sorted(t.rep_id for t in seeds.account_team if t.account_id == a.id) for a in seeds.accounts}
    people = {a.id: sorted(c.id for c in seeds.contacts if c.account_id == a.id) for a in seeds.accounts}
    accounts = sorted(a for a in team if team[a] and people[a])
    pairs = sorted(seeds.relationships, key=lambda r: r.key)
    writes: list[tuple[str, dict]] = []
    day = dt.date(2026, 11, 1)
    for i in range(n):
        day += dt.timedelta(days=rng.choice((0, 1)))
        if rng.random() < 0.5:
            r = rng.choice(pairs)
            body = {"rep_id": r.rep_id, "contact_id": r.contact_id, "depth": rng.randint(0, 4),
                    "last_contact": (day - dt.timedelta(days=rng.randint(0, 400))).isoformat()}
            if r.since is not None:
                body["since"] = r.since.isoformat()
            writes.append(("relationships", body))
        else:
            account = rng.choice(accounts)
            writes.append(("activities", {
                "id": f"act-crash-{i:04d}", "date": day.isoformat(), "kind": "meeting", "account_id": account,
                "rep_ids": rng.sample(team[account], min(len(team[account]), rng.randint(1, 2))),
                "contact_ids": rng.sample(people[account], rng.randint(1, 3)),
                "summary": f"crash-safety write {i}"}))
    return writes


def url_of(resource: str, body: dict) -> str:
    key = body["id"] if resource == "activities" else f"{body['rep_id']}/{body['contact_id']}"
    return f"/{resource}/{key}"


class Writer(threading.Thread):
    """Sends the writes one after another until the server stops answering."""

    def __init__(self, base: str, token: str, writes: list[tuple[str, dict]]):
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        self.writes = writes
        self.sent = 0  # requests sent (the last may be in flight)
        self.acked = 0  # requests answered 2xx
        self.refused: str | None = None

    def run(self) -> None:
        try:
            for resource, body in self.writes:
                self.sent += 1
                try:
                    r = self.client.put(url_of(resource, body), json=body)
                except httpx.TransportError:
                    return
                if not r.is_success:
                    self.refused = f"write {self.sent} {url_of(resource, body)}: {r.status_code} {r.text[:500]}"
                    return
                self.acked += 1
        finally:
            self.client.close()


def test_api_server_killed_keeps_every_acknowledged_write_and_no_half(api_before, helper, tmp_path):
    before, token = api_before
    writes = write_stream(600, seed=7)
    rng = random.Random(11)
    runs = []  # (kill after seconds, sent, acked, the reopened store's export: a future)
    for i in range(5):
        store = copy_store(before, tmp_path / f"run{i}")
        port = free_port()
        server = subprocess.Popen([GRAPHCRM, "--db", f"ladybug://{store}", "serve", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(base, server, seconds=15)
            writer = Writer(base, token, writes)
            delay = rng.uniform(0.05, 1.2)
            writer.start()
            time.sleep(delay)
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
            writer.join(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
        assert writer.refused is None, writer.refused
        assert 0 < writer.acked < len(writes), f"run {i}: {writer.acked} writes acknowledged; kill earlier/later"
        runs.append((delay, writer.sent, writer.acked, helper.submit(_export_digest, str(store))))

    wanted = sorted({k for _, sent, acked, _ in runs for k in (acked, sent)})
    reference = helper.submit(_replay_writes, str(copy_store(before, tmp_path / "reference")), writes,
                              wanted).result()
    wrong, split = [], Counter()
    for i, (delay, sent, acked, reopened) in enumerate(runs):
        state = reopened.result()
        if state[:2] == reference[acked][:2]:
            split["acknowledged writes only"] += 1
        elif sent > acked and state[:2] == reference[sent][:2]:
            split["acknowledged + the one in flight"] += 1
        else:
            near = [k for k, s in reference.items() if s[:2] == state[:2]]
            wrong.append(f"run {i} (killed after {delay:.2f} s, {acked} acknowledged, {sent} sent): the store "
                         f"matches the state after {near or 'no prefix'} of the writes; kinds unlike the state "
                         f"after the acknowledged ones: {differ(state, reference[acked])}")
    summary = "; ".join(f"run {i}: {acked} acked of {sent} sent at {d:.2f} s"
                        for i, (d, sent, acked, _) in enumerate(runs)) + f" — {dict(split)}"
    print(summary)
    assert not wrong, summary + "\n" + "\n".join(wrong)
