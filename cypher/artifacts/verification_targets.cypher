// What a verification reads and compares with, for each model version and dataset version asked
// for (one row per ref, in the order given; `id` null when no such version exists): where its
// artifact is stored (a model version's artifact_uri, a dataset version's uri), the digest on
// record, and the manifest of the last verification that read a directory matching that digest
// (its files, JSON: the baseline a later one names missing files against; null when none), and
// the outcome of its last verification (`previous`).
// params: model_versions, dataset_versions
CALL () {
  UNWIND range(0, size($model_versions) - 1) AS i
  WITH i, $model_versions[i] AS ref
  OPTIONAL MATCH (n:ModelVersion {model_name: ref.model_name, version: ref.version})
  RETURN 'ModelVersion' AS kind, i, ref, n, n.artifact_uri AS uri, n.artifact_digest AS expected
  UNION ALL
  UNWIND range(0, size($dataset_versions) - 1) AS i
  WITH i, $dataset_versions[i] AS ref
  OPTIONAL MATCH (n:DatasetVersion {namespace: ref.namespace, name: ref.name, version: ref.version})
  RETURN 'DatasetVersion' AS kind, i, ref, n, n.uri AS uri, n.digest AS expected
}
CALL (n, expected) {
  OPTIONAL MATCH (n)-[:HAS_VERIFICATION]->(m:ArtifactVerification)
  WHERE m.actual_digest = expected AND m.manifest IS NOT NULL
  WITH m ORDER BY m.verified_at DESC LIMIT 1
  RETURN m.manifest AS baseline
}
RETURN kind, i, ref, n.id AS id, uri, expected, baseline, n.artifact_outcome AS previous
