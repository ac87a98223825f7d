# The lineagegraph service. Neo4j runs beside it (docker-compose.yml) or is reached with NEO4J_URI.
# tests/test_packaging.py builds the wheel from exactly the files copied here from the build context
# and serves from it; it also checks that what the UI stage copies exists.

# The registry UI (ui/): codegen from schema.graphql, tsc, vite build into ui/dist. Only its sources,
# lockfile and the schema go in, so the stage is rebuilt when those change and not otherwise.
FROM node:20-slim AS ui
WORKDIR /build/ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY schema.graphql /build/schema.graphql
COPY ui ./
RUN npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/lineagegraph

COPY pyproject.toml README.md ./
COPY app ./app
# The service's statements only: the suite's and the benchmark's live in tests/ and bench/, left out.
COPY cypher ./cypher
COPY policies ./policies
RUN pip install --no-cache-dir . && useradd --system --uid 10001 lineagegraph
# The built UI, served at / from LINEAGEGRAPH_UI_DIR (an installed package has no ui/dist beside it).
COPY --from=ui /build/ui/dist /srv/lineagegraph/ui
USER lineagegraph

ENV LINEAGEGRAPH_HOST=0.0.0.0 LINEAGEGRAPH_PORT=8000 LINEAGEGRAPH_GRAPHIQL=false \
    LINEAGEGRAPH_UI_DIR=/srv/lineagegraph/ui
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["lineagegraph", "serve"]
