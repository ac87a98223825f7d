// OpenLineage ingestion: runs ran as part of a parent run (the parent facet: a task within a DAG run). The edge keeps the earliest event time that asserted it
// (created_at, read by asOf).
// params: rows
UNWIND $rows AS row
WITH row, datetime(row.at) AS at
MATCH (r:Run {run_id: row.run_id})
MATCH (parent:Run {run_id: row.parent_run_id})
MERGE (r)-[e:PART_OF]->(parent)
ON CREATE SET e.created_at = at
SET e.created_at = CASE WHEN at < e.created_at THEN at ELSE e.created_at END
