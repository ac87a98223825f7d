// Marks the SERVES edge a rollback just opened (at $now) as a rollback, with its reason and the
// incidents it answers, and records on each of those incidents that this deployment was rolled
// back (ROLLBACK_NEEDED, created when the incident did not list it): when, by whom, from which
// version to which. Returns how many incidents it recorded on.
// params: environment, name, now, principal, reason, incident_ids, from_id, to_id
MATCH (d:Deployment {environment: $environment, name: $name})-[s:SERVES WHERE s.until IS NULL AND s.since = $now]->(:ModelVersion)
SET s.rollback = true, s.reason = $reason, s.incident_ids = $incident_ids
WITH d
CALL (d) {
  UNWIND $incident_ids AS incident_id
  MATCH (i:Incident {id: incident_id})
  MERGE (i)-[r:ROLLBACK_NEEDED]->(d)
  SET r.rolled_back_at = $now, r.rolled_back_by = $principal, r.rolled_back_from = $from_id, r.rolled_back_to = $to_id
  RETURN count(*) AS recorded
}
RETURN recorded
