// Everything the promotion gate of a model version looks at, read at once (one snapshot, inside
// the promotion's own write transaction): the version and its model's risk tier, who authored it
// (its creator and its producing runs' creators), its checks, its approvals for $stage, its
// evaluations, and from one upstream traversal (each node once, any depth) the datasets of
// everything upstream with licence and privacy class, and every quarantined upstream node; and
// the artifacts — the version's own and every upstream dataset or model version's — whose last
// verification found DRIFT or MISSING, with that verification's digests (`drifted_artifacts`).
// No row when the version does not exist.
// params: model_name, version, stage
MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
OPTIONAL MATCH (mv)-[:VERSION_OF]->(model:Model)
CALL (mv) {
  OPTIONAL MATCH (mv)-[:WAS_GENERATED_BY]->(run:Run)
  WITH mv, collect(DISTINCT run.created_by) AS run_authors
  RETURN [a IN run_authors + [mv.created_by] WHERE a IS NOT NULL] AS authors
}
CALL (mv) {
  OPTIONAL MATCH (mv)-[:HAS_CHECK]->(c:Check)
  RETURN collect(c {.kind, .status, .note, .evidence_uri, .recorded_by, .recorded_at}) AS checks
}
CALL (mv) {
  OPTIONAL MATCH (mv)-[:HAS_APPROVAL]->(a:Approval {stage: $stage})
  RETURN collect(a {.approver, .roles, .note, .approved_at}) AS approvals
}
CALL (mv) {
  OPTIONAL MATCH (mv)-[:HAS_EVALUATION]->(e:Evaluation)-[:MEASURED_ON]->(dv:DatasetVersion)
  WITH e, dv ORDER BY e.metric, dv.namespace, dv.name, dv.version
  RETURN collect({metric: e.metric, value: e.value,
                  dataset: dv.namespace + '/' + dv.name + '@' + dv.version}) AS evaluations
}
CALL (mv) {
  OPTIONAL MATCH (mv)-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM*1..50]->(n)
  WITH DISTINCT n
  // A feature derives from a dataset directly or from one of its versions.
  OPTIONAL MATCH (n:DatasetVersion)-[:VERSION_OF]->(versioned:Dataset)
  WITH n, CASE WHEN n:Dataset THEN n ELSE versioned END AS d
  WITH collect(DISTINCT d) AS datasets,
       collect(CASE WHEN n.quarantined = true THEN
         CASE WHEN n:DatasetVersion THEN 'DatasetVersion ' + n.namespace + '/' + n.name + '@' + n.version
              WHEN n:ModelVersion THEN 'ModelVersion ' + n.model_name + '@' + n.version
              WHEN n:Dataset THEN 'Dataset ' + n.namespace + '/' + n.name
              ELSE labels(n)[0] + ' ' + coalesce(n.name, n.run_id, n.id) END
       END) AS quarantined,
       collect(CASE WHEN n.artifact_outcome IN ['DRIFT', 'MISSING'] THEN n END) AS drifted_upstream
  RETURN [d IN datasets | d {.namespace, .name, .license, .privacy}] AS datasets, quarantined, drifted_upstream
}
CALL (mv, drifted_upstream) {
  UNWIND [x IN [mv] WHERE x.artifact_outcome IN ['DRIFT', 'MISSING']] + drifted_upstream AS n
  MATCH (n)-[:HAS_VERIFICATION]->(av:ArtifactVerification {id: n.artifact_verification_id})
  RETURN collect({own: n = mv, outcome: av.outcome, expected_digest: av.expected_digest,
                  actual_digest: av.actual_digest, detail: av.detail, verified_at: av.verified_at,
                  node: CASE WHEN n:DatasetVersion THEN 'DatasetVersion ' + n.namespace + '/' + n.name + '@' + n.version
                             ELSE 'ModelVersion ' + n.model_name + '@' + n.version END}) AS drifted_artifacts
}
RETURN mv {.model_name, .version, .stage, .quarantined, .id} AS version, model.risk_tier AS risk_tier,
       authors, checks, approvals, evaluations, datasets, quarantined, drifted_artifacts
