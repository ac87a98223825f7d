// OpenLineage ingestion: evaluation results carried by the lineagegraph_modelVersion facet, one per
// (model version, metric, dataset snapshot); the value is the latest event's.
// params: rows, principal
UNWIND $rows AS row
MATCH (mv:ModelVersion {model_name: row.model_name, version: row.version})
MATCH (dv:DatasetVersion {namespace: row.dataset_namespace, name: row.dataset_name, version: row.dataset_version})
MERGE (n:Evaluation {model_version_id: mv.id, metric: row.metric, dataset_version_id: dv.id})
ON CREATE SET n.id = row.id, n.created_at = row.first_at, n.created_by = $principal,
              n.updated_at = row.last_at, n.updated_by = $principal
SET n.created_at = CASE WHEN row.first_at < n.created_at THEN row.first_at ELSE n.created_at END,
    n.updated_at = CASE WHEN row.last_at > n.updated_at THEN row.last_at ELSE n.updated_at END
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
