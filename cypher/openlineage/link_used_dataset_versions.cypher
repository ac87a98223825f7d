// OpenLineage ingestion: runs used these dataset snapshots. The edge keeps the earliest event time that asserted it
// (created_at, read by asOf).
// params: rows
UNWIND $rows AS row
WITH row, datetime(row.at) AS at
MATCH (r:Run {run_id: row.run_id})
MATCH (x:DatasetVersion {namespace: row.namespace, name: row.name, version: row.version})
MERGE (r)-[e:USED]->(x)
ON CREATE SET e.created_at = at
SET e.created_at = CASE WHEN at < e.created_at THEN at ELSE e.created_at END
