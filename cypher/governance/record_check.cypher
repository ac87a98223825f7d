// Records the outcome of one check of a model version: one Check per (version, kind), its id
// derived from that pair ($id) so concurrent recordings meet under the id constraint. Re-recording
// the same outcome changes nothing; a different one replaces it (the audit trail keeps the old).
// No row when the version does not exist.
// params: model_name, version, id, kind, status, evidence_uri, note, now, principal
MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
MERGE (c:Check {id: $id})
ON CREATE SET c.kind = $kind, c.model_version_id = mv.id, c.created_at = $now, c.created_by = $principal
MERGE (mv)-[:HAS_CHECK]->(c)
WITH mv, c, c {.status, .evidence_uri, .note} AS before,
     c.status IS NULL OR c.status <> $status OR coalesce(c.evidence_uri, '') <> coalesce($evidence_uri, '')
       OR coalesce(c.note, '') <> coalesce($note, '') AS changed
CALL (c, changed) {
  WITH c WHERE changed
  SET c.status = $status, c.evidence_uri = $evidence_uri, c.note = $note,
      c.recorded_by = $principal, c.recorded_at = $now
}
RETURN c {.*} AS check, mv.id AS model_version_id, CASE WHEN before.status IS NULL THEN null ELSE before END AS before,
       changed
