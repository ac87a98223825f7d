// OpenLineage ingestion: the model versions a batch of events carries. A new version starts in
// DEVELOPMENT (its first IN_STAGE span begins when the version was first seen); the artifact digest
// is recorded once and never changed. Returns one row per version whose stored digest differs from
// the event's: the caller refuses the batch.
// params: rows, principal, stage_id
UNWIND $rows AS row
// Times travel as text: the driver packs a datetime parameter ~50x slower than a string.
WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
MATCH (model:Model {name: row.model_name})
MERGE (n:ModelVersion {model_name: row.model_name, version: row.version})
ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
              n.updated_at = last_at, n.updated_by = $principal,
              n.model_id = model.id, n.quarantined = false, n.stage = 'DEVELOPMENT'
SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
    n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
MERGE (n)-[:VERSION_OF]->(model)
WITH n, row, n.artifact_digest AS stored_digest
SET n.artifact_digest = coalesce(n.artifact_digest, row.artifact_digest)
WITH n, row, stored_digest
CALL (n, row) {
  UNWIND row.facets AS facet
  WITH n, facet
  WHERE n[facet.time_key] IS NULL OR facet.at > n[facet.time_key]
     OR (facet.at = n[facet.time_key] AND facet.hash > n[facet.hash_key])
  SET n += facet.props
}
CALL (n) {
  WITH n WHERE NOT EXISTS { (n)-[:IN_STAGE]->(:Stage) }
  MERGE (stage:Stage {name: n.stage})
  ON CREATE SET stage.id = $stage_id
  CREATE (n)-[:IN_STAGE {since: n.created_at, by: $principal, initial: true}]->(stage)
}
CALL (n) {
  // The version may turn out to be older than first seen (events arrive in any order).
  MATCH (n)-[span:IN_STAGE {initial: true}]->(:Stage)
  WHERE span.since > n.created_at
  SET span.since = n.created_at
}
WITH row, stored_digest
WHERE stored_digest IS NOT NULL AND row.artifact_digest IS NOT NULL AND stored_digest <> row.artifact_digest
RETURN row.model_name AS model_name, row.version AS version, stored_digest, row.artifact_digest AS attempted
