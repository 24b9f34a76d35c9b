"""The digest as one self-contained HTML page (no script, nothing remote; every
user string escaped by Jinja's autoescaping)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from graphcrm.over_time import Digest

__all__ = ["render_digest"]

_env = Environment(loader=PackageLoader("viz", "templates"), autoescape=select_autoescape(["html", "svg"]))


def render_digest(d: Digest) -> str:
    return _env.get_template("digest.html").render(d=d)
