// What a compliance dossier says besides its upstream graph (app/compliance/service.py), for the
// assets one provenance traversal found, each as it stood at $as_of, in one round trip. One row:
// - `assets`: each asset's owning team (a version's is its dataset's or model's, a run's its job's,
//   a deployment's the model's it served at $as_of), a model version's risk tier, and the
//   incidents opened by $as_of that started at or affect it (released only if released by then);
// - `checks` first recorded by $as_of, with when this outcome was (the service sets apart those
//   re-recorded since); `approvals` given by then; `stages`: IN_STAGE spans begun by then, `until`
//   cut at $as_of; `measurements` first measured by then, with when last measured;
// - `switches`: the SERVES spans begun by $as_of of the deployment $deployment_id, or into the model
//   version $served_id, oldest first, `until` cut at $as_of, with rollback and break-glass marks;
// - `verifications`: the last verification of each model and dataset version's artifact made by $as_of;
// - `audit_head`: the audit chain's last seq and hash (null before the first event).
// params: as_of, dataset_ids, dataset_version_ids, feature_ids, run_ids, model_version_ids, deployment_id, served_id
CALL () {
  CALL () {
    UNWIND $dataset_ids AS id MATCH (n:Dataset {id: id}) RETURN n
    UNION ALL
    UNWIND $dataset_version_ids AS id MATCH (n:DatasetVersion {id: id}) RETURN n
    UNION ALL
    UNWIND $feature_ids AS id MATCH (n:Feature {id: id}) RETURN n
    UNION ALL
    UNWIND $run_ids AS id MATCH (n:Run {id: id}) RETURN n
    UNION ALL
    UNWIND $model_version_ids AS id MATCH (n:ModelVersion {id: id}) RETURN n
    UNION ALL
    MATCH (n:Deployment {id: $deployment_id}) RETURN n
  }
  RETURN collect({
    id: n.id,
    owner: coalesce(
      head([(n)-[:OWNED_BY]->(t:Team) | t.name]),
      head([(n)-[:VERSION_OF]->()-[:OWNED_BY]->(t:Team) | t.name]),
      head([(n)-[:INSTANCE_OF]->(:Job)-[:OWNED_BY]->(t:Team) | t.name]),
      head([(n)-[s:SERVES]->(:ModelVersion)-[:VERSION_OF]->(:Model)-[:OWNED_BY]->(t:Team)
            WHERE s.since <= $as_of AND (s.until IS NULL OR s.until > $as_of) | t.name])),
    risk_tier: head([(n)-[:VERSION_OF]->(m:Model) | m.risk_tier]),
    incidents: [(i:Incident)-[:STARTED_AT|AFFECTS]->(n) WHERE i.opened_at <= $as_of |
                i {.id, .reason, .start_key, .opened_at, .opened_by,
                   released_at: CASE WHEN i.released_at <= $as_of THEN i.released_at END,
                   released_by: CASE WHEN i.released_at <= $as_of THEN i.released_by END}]
  }) AS assets
}
CALL () {
  UNWIND $model_version_ids AS id
  MATCH (:ModelVersion {id: id})-[:HAS_CHECK]->(c:Check)
  WHERE coalesce(c.created_at, c.recorded_at) <= $as_of
  RETURN collect({model_version_id: id, kind: c.kind, status: c.status, evidence_uri: c.evidence_uri, note: c.note,
                  by: c.recorded_by, at: c.recorded_at}) AS checks
}
CALL () {
  UNWIND $model_version_ids AS id
  MATCH (:ModelVersion {id: id})-[:HAS_APPROVAL]->(a:Approval)
  WHERE a.approved_at <= $as_of
  RETURN collect({model_version_id: id, stage: a.stage, approver: a.approver, roles: a.roles, at: a.approved_at,
                  note: a.note}) AS approvals
}
CALL () {
  UNWIND $model_version_ids AS id
  MATCH (:ModelVersion {id: id})-[span:IN_STAGE]->(stage:Stage)
  WHERE span.since <= $as_of
  RETURN collect({model_version_id: id, stage: stage.name, since: span.since, by: span.by,
                  until: CASE WHEN span.until <= $as_of THEN span.until END}) AS stages
}
CALL () {
  UNWIND $model_version_ids AS id
  MATCH (:ModelVersion {id: id})-[:HAS_EVALUATION]->(e:Evaluation)-[:MEASURED_ON]->(dv:DatasetVersion)
  WHERE e.created_at <= $as_of
  RETURN collect({model_version_id: id, metric: e.metric, value: e.value, measured_at: coalesce(e.updated_at, e.created_at),
                  dataset_version: dv.namespace + '/' + dv.name + '@' + dv.version}) AS measurements
}
CALL () {
  CALL () {
    MATCH (d:Deployment {id: $deployment_id})-[s:SERVES]->(mv:ModelVersion) RETURN d, s, mv
    UNION ALL
    MATCH (d:Deployment)-[s:SERVES]->(mv:ModelVersion {id: $served_id}) RETURN d, s, mv
  }
  WITH d, s, mv WHERE s.since <= $as_of
  ORDER BY s.since, d.environment, d.name
  RETURN collect({deployment: d.environment + '/' + d.name, model_version_id: mv.id,
                  model_version: mv.model_name + '@' + mv.version, since: s.since, by: s.by,
                  until: CASE WHEN s.until <= $as_of THEN s.until END,
                  rollback_reason: CASE WHEN s.rollback = true THEN coalesce(s.reason, '') END,
                  break_glass: CASE WHEN s.break_glass = true THEN {reason: s.break_glass_reason, by: s.break_glass_by,
                                                                  overrode: coalesce(s.break_glass_overrode, [])} END
                 }) AS switches
}
CALL () {
  CALL () {
    UNWIND $model_version_ids AS id
    MATCH (:ModelVersion {id: id})-[:HAS_VERIFICATION]->(av:ArtifactVerification) RETURN id, av
    UNION ALL
    UNWIND $dataset_version_ids AS id
    MATCH (:DatasetVersion {id: id})-[:HAS_VERIFICATION]->(av:ArtifactVerification) RETURN id, av
  }
  WITH id, av WHERE av.verified_at <= $as_of
  WITH id, av ORDER BY av.verified_at DESC, av.id DESC
  WITH id, head(collect(av)) AS last
  RETURN collect({asset_id: id, outcome: last.outcome, at: last.verified_at, by: last.verified_by, uri: last.uri,
                  expected: last.expected_digest, actual: last.actual_digest, detail: last.detail}) AS verifications
}
OPTIONAL MATCH (head:AuditHead:AuditEvent {seq: 0})
RETURN assets, checks, approvals, stages, measurements, switches, verifications,
       CASE WHEN head IS NULL THEN null ELSE {seq: head.last_seq, hash: head.last_hash} END AS audit_head
