"""OpenLineage ingestion: `POST /api/v1/lineage` (events.py reads, ingest.py group-commits, repository.py writes)."""
