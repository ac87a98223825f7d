// Records health signals, idempotent on their key: a key never seen creates the signal, attached
// to its target (a Deployment or a ModelVersion) by SIGNAL_OF; a FIRING signal reported RESOLVED
// is resolved (its end and when it was resolved recorded); anything else changes nothing (a
// replay, a firing report after the resolution). A key recorded against another target changes
// nothing either, and its row says which (`target_id`). One row per signal row whose target exists.
// params: signals, now, principal
UNWIND $signals AS row
CALL (row) {
  MATCH (t:Deployment {id: row.target_id}) RETURN t
  UNION
  MATCH (t:ModelVersion {id: row.target_id}) RETURN t
}
MERGE (s:HealthSignal {key: row.key})
  ON CREATE SET s.id = row.id, s.target_id = row.target_id, s.target_kind = labels(t)[0],
                s.metric = row.metric, s.value = row.value, s.threshold = row.threshold,
                s.severity = row.severity, s.status = row.status, s.source = row.source,
                s.starts_at = row.starts_at, s.ends_at = row.ends_at, s.summary = row.summary,
                s.labels = row.labels, s.fingerprint = row.fingerprint, s.generator_url = row.generator_url,
                s.serving = row.serving, s.recorded_at = $now,
                s.resolved_at = CASE WHEN row.status = 'resolved' THEN $now END,
                s.created_at = $now, s.updated_at = $now, s.created_by = $principal, s.updated_by = $principal
WITH row, t, s, s.id = row.id AS created, s.status AS before
CALL (t, s, created) {
  WITH t, s WHERE created
  CREATE (s)-[:SIGNAL_OF]->(t)
}
WITH row, s, created, before,
     NOT created AND s.target_id = row.target_id AND before = 'firing' AND row.status = 'resolved' AS resolves
CALL (row, s, resolves) {
  WITH row, s WHERE resolves
  SET s.status = 'resolved', s.ends_at = row.ends_at, s.resolved_at = $now, s.updated_at = $now,
      s.updated_by = $principal
}
RETURN row.index AS index, s {.*} AS signal, created, resolves AS resolved, before, s.target_id AS target_id
