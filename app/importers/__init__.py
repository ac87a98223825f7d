"""Importers: read another system's records and send them to the registry as OpenLineage events.

Each importer is a client of the registry's one ingestion path (`POST /api/v1/lineage`), which
is idempotent and order-independent; so an importer keeps no state and may run any number of
times (`lineagegraph import …`).
"""
