# The graphcrm HTTP API: `docker compose up` runs it against the `neo4j` service.
# (No Docker engine runs on our build machines: this file is checked by reading; the
# same `pip install .` of these directories, run outside the repo, serves the API.)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the package is built from (pyproject names README.md as its readme).
COPY pyproject.toml README.md ./
COPY graphcrm ./graphcrm
COPY api ./api
COPY viz ./viz
COPY cypher ./cypher
RUN pip install . && rm -rf /src

# The demo data, for `docker compose run --rm api graphcrm load /app/seeds`.
COPY seeds /app/seeds

# Never root. /data holds an embedded store when GRAPHCRM_DB is ladybug:// (mount a
# volume there to keep it: `docker run -v graphcrm-data:/data …`).
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home --shell /usr/sbin/nologin graphcrm
USER graphcrm
WORKDIR /data

# Default: the embedded store in /data. docker-compose.yml sets neo4j://neo4j:7687
# (with NEO4J_USER / NEO4J_PASSWORD). On the embedded store, this server must be the
# only process using the file: run `graphcrm load` / `keys create` before it starts.
ENV GRAPHCRM_DB=ladybug:///data/graphcrm.lbug
EXPOSE 8000

# The image has no curl or wget; /openapi.json needs no key.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/openapi.json', timeout=4)"]

# `exec`: uvicorn is PID 1 and gets SIGTERM from `docker stop` (graceful shutdown
# closes the store). One worker: see TRAPS.md on LadybugDB.
CMD ["sh", "-c", "exec graphcrm --db \"$GRAPHCRM_DB\" serve --host 0.0.0.0 --port 8000"]
