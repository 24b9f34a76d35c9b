"""Interactive graph pages (pyvis): issue 5 builds them from the analysis reports; nothing here yet."""
