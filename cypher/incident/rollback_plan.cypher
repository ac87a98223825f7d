// What a rollback of a deployment has to choose from: the version it serves now (open SERVES), the
// versions it served before (closed SERVES, not the current one), most recently served first with
// when each last stopped serving — the service keeps the first that passes the environment's
// requirements now — and the OPEN incidents that cover the current version (the incidents this
// rollback answers). No row when the deployment does not exist.
// params: environment, name, max_candidates
MATCH (d:Deployment {environment: $environment, name: $name})
OPTIONAL MATCH (d)-[serving:SERVES WHERE serving.until IS NULL]->(current:ModelVersion)
CALL (d, current) {
  OPTIONAL MATCH (d)-[s:SERVES WHERE s.until IS NOT NULL]->(mv:ModelVersion)
  WHERE current IS NULL OR mv <> current
  WITH mv, max(s.until) AS last_served
  ORDER BY last_served DESC
  LIMIT $max_candidates
  RETURN collect(CASE WHEN mv IS NOT NULL THEN {version: mv {.*}, last_served: last_served} END) AS candidates
}
CALL (current) {
  OPTIONAL MATCH (i:Incident {status: 'OPEN'})-[:STARTED_AT|AFFECTS]->(current)
  WITH DISTINCT i ORDER BY i.opened_at
  RETURN collect(i.id) AS incident_ids
}
RETURN d {.*} AS deployment, current {.*} AS current, candidates, incident_ids
