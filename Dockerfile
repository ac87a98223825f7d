# The lineagegraph service. Neo4j runs beside it (docker-compose.yml) or is reached with NEO4J_URI.
# tests/test_packaging.py builds the wheel from exactly the files copied here and serves from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/lineagegraph

COPY pyproject.toml README.md ./
COPY app ./app
# The service's statements only: the suite's and the benchmark's live in tests/ and bench/, left out.
COPY cypher ./cypher
COPY policies ./policies
RUN pip install --no-cache-dir . && useradd --system --uid 10001 lineagegraph
USER lineagegraph

ENV LINEAGEGRAPH_HOST=0.0.0.0 LINEAGEGRAPH_PORT=8000 LINEAGEGRAPH_GRAPHIQL=false
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["lineagegraph", "serve"]
