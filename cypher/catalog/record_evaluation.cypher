// Records the value of a metric measured on a model version with a dataset version; one value
// per (model version, metric, dataset version), updated when measured again.
// No row when the model version or the dataset version does not exist.
// params: model_name, version, metric, value, dataset_namespace, dataset_name, dataset_version, id, now, principal
MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
MATCH (dv:DatasetVersion {namespace: $dataset_namespace, name: $dataset_name, version: $dataset_version})
MERGE (e:Evaluation {model_version_id: mv.id, metric: $metric, dataset_version_id: dv.id})
ON CREATE SET e.id = $id, e.value = $value, e.created_at = $now, e.created_by = $principal,
              e.updated_at = $now, e.updated_by = $principal
MERGE (mv)-[:HAS_EVALUATION]->(e)
MERGE (e)-[:MEASURED_ON]->(dv)
WITH e, e.value <> $value AS changed
CALL (e, changed) {
  WITH e WHERE changed
  SET e.value = $value, e.updated_at = $now, e.updated_by = $principal
}
RETURN e {.*} AS node, changed
