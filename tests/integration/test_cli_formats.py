"""The new ways in and out on the real ``graphcrm`` console script (issue 18):
``load book.xlsx``, ``export --format xlsx|graphml|gexf|neo4j-admin``, ``import
salesforce``, ``format``, and what ``load`` says of a GBK or ``;``-delimited file
and of value and reference problems found together."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx

from graphcrm.format_reference import reference

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
ROOT = Path(__file__).resolve().parents[2]
SEEDS, SAMPLE = ROOT / "seeds", ROOT / "tests" / "data" / "salesforce"


def run(tmp_path: Path, *args: str, db: str = "s.lbug") -> subprocess.CompletedProcess:
    return subprocess.run([str(GRAPHCRM), "--db", f"ladybug://{tmp_path / db}", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, cwd=tmp_path)


def test_xlsx_round_trip_and_graph_exports(tmp_path):
    assert run(tmp_path, "load", str(SEEDS)).returncode == 0
    assert run(tmp_path, "export", "--format", "xlsx", "book.xlsx").returncode == 0
    loaded = run(tmp_path, "load", "book.xlsx", db="t.lbug")
    assert loaded.returncode == 0, loaded.stderr
    for db, folder in (("s.lbug", "a"), ("t.lbug", "b")):
        assert run(tmp_path, "export", folder, db=db).returncode == 0
    for path in (tmp_path / "a").glob("*.csv"):
        if path.name != "audit.csv":  # the second store's trail goes on with its own load
            assert (tmp_path / "b" / path.name).read_bytes() == path.read_bytes(), path.name

    assert run(tmp_path, "export", "--format", "gexf", "--account", "acc-mzp", "mzp.gexf").returncode == 0
    g = nx.read_gexf(tmp_path / "mzp.gexf")
    assert {d["type"] for _, d in g.nodes(data=True)} >= {"Account", "Contact", "Rep"}
    assert {d["record_id"] for _, d in g.nodes(data=True) if d["type"] == "Account"} == {"acc-mzp"}
    done = run(tmp_path, "export", "--format", "neo4j-admin", "n4j")
    assert done.returncode == 0 and "neo4j-admin database import full" in done.stdout
    assert (tmp_path / "n4j" / "nodes-Contact.csv").is_file()
    wrong = run(tmp_path, "export", "--format", "csv", "--account", "acc-mzp", "x")
    assert wrong.returncode == 2 and "only the graph formats" in wrong.stderr


def test_import_salesforce_prints_the_mapping_report(tmp_path):
    done = run(tmp_path, "import", "salesforce", str(SAMPLE), "--mapping", str(SAMPLE / "mapping.toml"), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["made"]["contacts.csv"] == 7
    assert {u["value"] for u in report["unmapped"]} == {"Team Lead", "Service Delivery Lead", "Leaning our way"}
    refused = run(tmp_path, "import", "salesforce", str(SAMPLE), db="u.lbug")
    assert refused.returncode == 2
    assert "Values the mapping does not know" in refused.stdout
    assert "Account.csv:3: tier: must be one of S, A, B or C, got 'Partner'" in refused.stderr


def test_format_prints_the_reference(tmp_path):
    done = run(tmp_path, "format")
    assert done.returncode == 0 and done.stdout == reference()


def test_load_notes_gbk_and_semicolons_and_reports_every_problem_at_once(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("*.md"))
    contacts = (folder / "contacts.csv").read_text(encoding="utf-8")
    (folder / "contacts.csv").write_bytes(contacts.encode("gb18030"))
    reps = (folder / "reps.csv").read_text(encoding="utf-8")
    (folder / "reps.csv").write_text(reps.replace(",", ";"), encoding="utf-8")
    assert not any(";" in line for line in reps.splitlines())
    done = run(tmp_path, "load", str(folder), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "note: contacts.csv: read as GB18030/GBK (not UTF-8)" in done.stderr
    assert "note: reps.csv: read with ; as the delimiter" in done.stderr

    units = (folder / "units.csv").read_text(encoding="utf-8").replace(",department,", ",Department,", 1)
    (folder / "units.csv").write_text(units, encoding="utf-8")
    roles = (folder / "bid_roles.csv").read_text(encoding="utf-8").replace(",c-jnm-003,", ",c-jnm-999,", 1)
    (folder / "bid_roles.csv").write_text(roles, encoding="utf-8")
    failed = run(tmp_path, "load", str(folder))
    assert failed.returncode == 2
    lines = [line for line in failed.stderr.splitlines() if line and not line.startswith("note:")]
    assert lines[0] == "error: 2 problems in the input; nothing was written"
    assert any("bid_roles.csv:" in line and "contact_id: no contact with id 'c-jnm-999'" in line for line in lines)
    assert any("units.csv:" in line and "got 'Department' (did you mean 'department'?)" in line for line in lines)
