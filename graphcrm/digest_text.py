"""The digest as Markdown (``graphcrm digest --format md``); the HTML page is ``viz.digest``.

User strings are escaped for Markdown: a name cannot open a link, a table cell
or an HTML tag in the rendered text.
"""

from __future__ import annotations

import re

from graphcrm.over_time import Digest

__all__ = ["markdown", "md_escape"]

_SPECIAL = re.compile(r"([\\`*_\[\]|<>&~])")
"""What can start emphasis, code, a link, a table cell or a tag inside a line (our
user strings never start a line, so ``#``, ``-`` and ``1.`` cannot start a block)."""


def md_escape(text: object) -> str:
    """Text with Markdown's special characters escaped and line breaks as spaces.

    >>> print(md_escape("[click](http://x) | <b>"))
    \\[click\\](http://x) \\| \\<b\\>
    """
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def markdown(d: Digest) -> str:
    """The digest for the weekly account review, as Markdown."""
    e = md_escape
    lines = [f"# Account review digest, {d.until}", ""]
    if d.history_from:
        lines += [f"_The store's history begins on {d.history_from}: red flags are counted from then, "
                  f"not from {d.since}._", ""]
    lines += [f"## New red flags since {d.history_from or d.since} ({len(d.new_red_flags)})", ""]
    lines += [f"- **{e(f.flag)}** in bid {e(f.bid_id)} (account {e(f.account_id)})"
              + (f": {', '.join(e(c) for c in f.contact_ids)}" if f.contact_ids else "") for f in d.new_red_flags]
    lines += ["" if d.new_red_flags else "None.", "",
              f"## Key relationships going stale within {d.within_days} days ({len(d.stale_soon)})", ""]
    lines += [f"- {s.stale_on}: {e(s.rep_name)} and {e(s.contact_name)} ({e(s.account_id)}) drop from depth "
              f"{s.effective_depth} to {s.effective_depth_after}; last met {s.last_contact}"
              + (" — **the contact stops being covered**" if s.loses_coverage else "") for s in d.stale_soon]
    lines += ["" if d.stale_soon else "None.", "",
              f"## Tenders due within {d.within_days} days with uncovered key contacts ({len(d.due_tenders)})", ""]
    lines += [f"- {t.tender_date} ({t.days_left} days): {e(t.bid_name)} ({e(t.bid_id)}, account {e(t.account_id)})"
              f" — uncovered: {', '.join(f'{e(n)} ({e(c)})' for n, c in zip(t.uncovered_names, t.uncovered))}"
              for t in d.due_tenders]
    lines += ["" if d.due_tenders else "None.", ""]
    return "\n".join(lines)
