"""Interactive graph pages (pyvis / vis-network): decision chain, account map,
portfolio map. Each is a function from a view (``graphcrm.views``) to one
self-contained HTML page that works with no network."""

from viz.account_map import render_account_map
from viz.decision_chain import render_decision_chain
from viz.portfolio_map import render_portfolio_map

__all__ = ["render_decision_chain", "render_account_map", "render_portfolio_map"]
