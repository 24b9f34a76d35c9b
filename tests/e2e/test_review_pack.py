"""The bid-review pack: ``graphcrm report bid ID -o review.pdf|review.xlsx|chain.png``
(a real process, a real LadybugDB file, headless Chromium for the PDF and PNG) and
the bid page's download of the workbook through the real FastAPI app.

What the pack must hold is worked out from the seed files, as in
``test_graph_pages``: the demo tender's key contacts below the required depth are
c-jnm-003 and c-jnm-031 (both weak), and c-jnm-021 stands against us (stance −2).
"""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import AS_OF, SEEDS

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
BID = "bid-jnm-5g-core-2026"
UNCOVERED, OPPONENT = ("c-jnm-003", "c-jnm-031"), "c-jnm-021"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}  # rich wraps the error box to the terminal's width
    return subprocess.run([str(GRAPHCRM), *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def store(tmp_path_factory, browser) -> tuple[Path, str]:
    """The seeds in a store; ``browser`` only makes sure Chromium is there."""
    folder = tmp_path_factory.mktemp("pack")
    db = f"ladybug://{folder / 'seeds.lbug'}"
    assert _run("--db", db, "load", str(SEEDS), cwd=folder).returncode == 0
    return folder, db


def _flat(text: str) -> str:
    """Text as a reader sees it: PDF glyphs mapped back (ligatures, CJK radicals), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_the_pdf_names_the_bid_its_red_flags_and_each_uncovered_decision_maker(store, seeds):
    from pypdf import PdfReader

    folder, db = store
    done = _run("--db", db, "report", "bid", BID, "-o", "review.pdf", "--as-of", AS_OF.isoformat(), cwd=folder)
    assert done.returncode == 0, done.stderr
    reader = PdfReader(folder / "review.pdf")
    text = _flat("".join(page.extract_text() for page in reader.pages))
    assert _flat(seeds.name("bids", BID)) in text
    name = lambda c: _flat(seeds.name("contacts", c))  # noqa: E731
    assert f"uncoveredkeycontact:{name(UNCOVERED[0])},{name(UNCOVERED[1])}" in text
    assert f"againstus:{name(OPPONENT)}(opponent)" in text
    uncovered = text[text.index("Uncovereddecision-makers"):text.index("Thedecisionchain")]
    assert all(name(c) in uncovered for c in UNCOVERED)
    assert any(page.images for page in reader.pages)  # the decision-chain picture
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)  # A4 in points


def test_the_workbook_holds_the_chain_the_flags_and_the_uncovered_as_sheets(store, seeds):
    folder, db = store
    assert _run("--db", db, "report", "bid", BID, "-o", "review.xlsx", "--as-of", AS_OF.isoformat(),
                cwd=folder).returncode == 0
    book = load_workbook(folder / "review.xlsx", read_only=True)
    assert book.sheetnames == ["Decision chain", "Uncovered", "Gaps and actions", "Plans", "Red flags"]
    rows = {s: list(book[s].iter_rows(values_only=True)) for s in book.sheetnames}
    chain = {r[0] for r in rows["Decision chain"][1:]}
    assert chain == {seeds.name("contacts", r["contact_id"]) for r in seeds.chain(BID)}
    assert {r[0] for r in rows["Uncovered"][1:]} == {seeds.name("contacts", c) for c in UNCOVERED}
    flags = {r[0]: r[1] for r in rows["Red flags"][1:]}
    assert flags["uncovered key contact"] == ", ".join(seeds.name("contacts", c) for c in UNCOVERED)
    assert flags["against us"] == seeds.name("contacts", OPPONENT)
    assert book.properties.title.startswith(seeds.name("bids", BID))


def test_the_chain_picture_is_a_png_of_the_drawn_graph(store):
    folder, db = store
    assert _run("--db", db, "report", "bid", BID, "-o", "chain.png", "--as-of", AS_OF.isoformat(),
                cwd=folder).returncode == 0
    data = (folder / "chain.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 1000 and height > 600  # the graph at twice the screen's pixels
    assert len(data) > 50_000  # a drawn graph, not an empty canvas (which compresses to a few kB)


def test_an_unknown_format_or_bid_is_a_clear_error_and_writes_nothing(store):
    folder, db = store
    done = _run("--db", db, "report", "bid", BID, "-o", "review.docx", cwd=folder)
    assert done.returncode == 2 and "a review pack is written as .pdf, .xlsx or .png" in done.stderr
    assert "Traceback" not in done.stderr and not (folder / "review.docx").exists()
    done = _run("--db", db, "report", "bid", "no-such-bid", "-o", "none.xlsx", cwd=folder)
    assert done.returncode != 0 and "no bid with id 'no-such-bid'" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr and not (folder / "none.xlsx").exists()


def test_the_bid_page_offers_the_pack_and_the_api_serves_the_workbook(store, seeds):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.settings import Settings

    _, db = store
    with TestClient(create_app(Settings(db=db, auth=False, allowed_hosts=["testserver"]))) as client:
        _download(client, seeds)


def _download(client, seeds) -> None:
    page = client.get(f"/ui/bids/{BID}", params={"as_of": AS_OF.isoformat()})
    assert page.status_code == 200
    assert f'href="/bids/{BID}/review.pdf?as_of={AS_OF}" id="download-pdf"' in page.text
    answer = client.get(f"/bids/{BID}/review.xlsx", params={"as_of": AS_OF.isoformat()})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert answer.headers["content-disposition"] == 'attachment; filename="review.xlsx"'
    book = load_workbook(io.BytesIO(answer.content), read_only=True)
    assert {r[0] for r in list(book["Uncovered"].iter_rows(values_only=True))[1:]} == {
        seeds.name("contacts", c) for c in UNCOVERED}
    assert client.get("/bids/no-such-bid/review.xlsx").status_code == 404
    assert client.get(f"/bids/{BID}/review.docx").status_code == 422
