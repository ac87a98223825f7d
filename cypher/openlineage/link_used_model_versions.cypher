// OpenLineage ingestion: runs used these model versions (fine-tuning, distillation, scoring). The edge keeps the earliest event time that asserted it
// (created_at, read by asOf).
// params: rows
UNWIND $rows AS row
MATCH (r:Run {run_id: row.run_id})
MATCH (x:ModelVersion {model_name: row.model_name, version: row.version})
MERGE (r)-[e:USED]->(x)
ON CREATE SET e.created_at = row.at
SET e.created_at = CASE WHEN row.at < e.created_at THEN row.at ELSE e.created_at END
