"""A bid's review pack as a PDF, a workbook or the decision-chain picture.

- ``review_html``: the pack as one A4 page for print (red flags, the chain's picture,
  uncovered decision-makers with their warm paths by name, the chain, gaps by layer
  with their actions, the account's plans); Jinja2 with autoescaping.
- ``review_xlsx``: the chain, the gaps and actions, the uncovered contacts' warm paths
  and the plans as sheets (openpyxl; text cells only hold text, never a formula).
- ``chain_png`` and ``review_pdf``: headless Chromium draws the decision-chain page
  (the same vis-network page as on screen) and prints the pack (``viz.chromium``).
"""

from __future__ import annotations

import base64
import io

from jinja2 import Environment, PackageLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Font

from graphcrm.analysis.paths import WarmPath
from graphcrm.review import ReviewPack
from viz import chromium
from viz.decision_chain import render_decision_chain
from viz.style import STANCE_NAMES

__all__ = ["review_html", "review_xlsx", "chain_png", "review_pdf", "write_pack"]

_env = Environment(loader=PackageLoader("viz", "templates"), autoescape=select_autoescape(["html"]))


def _path_text(p: WarmPath, names: dict[str, str]) -> str:
    text = " → ".join([names.get(p.rep_id, p.rep_id), *(names.get(c, c) for c in p.via)]) + f" ({p.strength:.2f})"
    if p.through_opponents:
        text += " ⚠ through " + ", ".join(names.get(c, c) for c in p.through_opponents) + ", against us"
    return text


def review_html(pack: ReviewPack, chain: bytes | None = None) -> str:
    """The pack as an A4 HTML page; ``chain``: the decision-chain picture (PNG)."""
    names = pack.view.names
    r = pack.view.report
    return _env.get_template("review.html").render(
        r=r, chips=pack.chips, gaps=pack.gaps, plans=pack.plans, account_name=pack.account_name,
        chain_png=base64.b64encode(chain).decode() if chain else None,
        name=lambda i: names.get(i, i), path=lambda p: _path_text(p, names),
        stance=lambda s: "unknown" if s is None else STANCE_NAMES[s])


def review_xlsx(pack: ReviewPack) -> bytes:
    """The pack as a workbook: sheets ``Decision chain``, ``Uncovered``, ``Gaps and
    actions``, ``Plans`` and ``Red flags``, each with a bold header row."""
    names, r = pack.view.names, pack.view.report
    name = lambda i: names.get(i, i) if i else ""  # noqa: E731
    sheets = {
        "Decision chain": (["Contact", "Title", "Unit", "Role", "Key", "Influence", "Stance", "Status", "Best depth",
                            "Required depth", "Holders"],
                           [[c.name, c.title or "", c.unit_name or "", c.role, c.key, c.influence or "",
                             "unknown" if c.stance is None else STANCE_NAMES[c.stance], c.status, c.best_depth,
                             c.required_depth, ", ".join(name(h) for h in c.holders)] for c in r.decision_chain]),
        "Uncovered": (["Contact", "Role", "Status", "Best depth", "Required depth", "Warm path", "Strength"],
                      [[u.name, u.role, u.status, u.best_depth, u.required_depth,
                        _path_text(p, names) if p else "none found", p.strength if p else None]
                       for u in r.uncovered for p in u.warm_paths or [None]]),
        "Gaps and actions": (["Layer", "Gap", "Who or what", "Best depth", "Required depth", "Action"],
                             [[layer, g.kind, g.subject_name or "", g.best_depth, g.required_depth, g.action]
                              for layer, g in pack.gaps]),
        "Plans": (["Status", "Layer", "Goal", "Target", "Owner", "Contact or unit", "Created", "Due"],
                  [[p.status, p.layer, p.goal, p.target, name(p.owner_rep_id), name(p.contact_id or p.unit_id),
                    p.created, p.due] for p in pack.plans]),
        "Red flags": (["Flag", "People", "Detail"],
                      [[c.label, ", ".join(p.name for p in c.people), c.detail] for c in pack.chips]),
    }
    book = Workbook()
    book.remove(book.active)
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula (as graphcrm.workbook writes it)
        sheet.freeze_panes = "A2"
    book.properties.title = f"{r.bid_name} — review pack"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chain_png(pack: ReviewPack) -> bytes:
    """The decision chain as drawn on the bid page, as a PNG."""
    return chromium.picture(render_decision_chain(pack.view))


def review_pdf(pack: ReviewPack) -> bytes:
    """The pack as an A4 PDF, the decision-chain picture included (one browser)."""
    with chromium.Browser() as browser:
        return browser.pdf(review_html(pack, browser.picture(render_decision_chain(pack.view))))


def write_pack(pack: ReviewPack, suffix: str) -> bytes:
    """The pack in the format a file suffix names (``.pdf``, ``.xlsx``, ``.png``)."""
    if suffix == ".pdf":
        return review_pdf(pack)
    if suffix == ".xlsx":
        return review_xlsx(pack)
    if suffix == ".png":
        return chain_png(pack)
    raise ValueError(f"a review pack is written as .pdf, .xlsx or .png, not {suffix!r}")
