// What a rollback of a deployment would do: the version it serves now (open SERVES), and its
// previous good version — of the versions it served before (closed SERVES), the most recently
// served one that is not the current one, is not quarantined, and has been in one of
// $required_stages (IN_STAGE history; any stage when null) — plus the OPEN incidents that cover the
// current version (the incidents this rollback answers). No row when the deployment does not exist.
// params: environment, name, required_stages
MATCH (d:Deployment {environment: $environment, name: $name})
OPTIONAL MATCH (d)-[serving:SERVES WHERE serving.until IS NULL]->(current:ModelVersion)
CALL (d, current) {
  MATCH (d)-[s:SERVES WHERE s.until IS NOT NULL]->(mv:ModelVersion)
  WHERE (current IS NULL OR mv <> current) AND coalesce(mv.quarantined, false) = false
    AND ($required_stages IS NULL OR EXISTS { (mv)-[:IN_STAGE]->(stage:Stage) WHERE stage.name IN $required_stages })
  WITH mv, max(s.since) AS last_served
  ORDER BY last_served DESC
  RETURN collect(mv {.*})[0] AS target
}
CALL (current) {
  OPTIONAL MATCH (i:Incident {status: 'OPEN'})-[:STARTED_AT|AFFECTS]->(current)
  WITH DISTINCT i ORDER BY i.opened_at
  RETURN collect(i.id) AS incident_ids
}
RETURN d {.*} AS deployment, current {.*} AS current, target, incident_ids
