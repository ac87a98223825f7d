// OpenLineage ingestion: evaluation results carried by the lineagegraph_modelVersion facet, one per
// (model version, metric, dataset snapshot); the value is the latest event's.
// params: rows, principal
UNWIND $rows AS row
// Times travel as text: the driver packs a datetime parameter ~50x slower than a string.
WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
MATCH (mv:ModelVersion {model_name: row.model_name, version: row.version})
MATCH (dv:DatasetVersion {namespace: row.dataset_namespace, name: row.dataset_name, version: row.dataset_version})
MERGE (n:Evaluation {model_version_id: mv.id, metric: row.metric, dataset_version_id: dv.id})
ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
              n.updated_at = last_at, n.updated_by = $principal
SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
    n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
MERGE (mv)-[:HAS_EVALUATION]->(n)
MERGE (n)-[:MEASURED_ON]->(dv)
WITH n, row
CALL (n, row) {
  UNWIND row.facets AS facet
  WITH n, facet
  WHERE n[facet.time_key] IS NULL OR facet.at > n[facet.time_key]
     OR (facet.at = n[facet.time_key] AND facet.hash > n[facet.hash_key])
  SET n += facet.props
}
