"""HTTP API (FastAPI): issue 4 builds it on graphcrm.services; nothing here yet."""
