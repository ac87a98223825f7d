// Incidents by id, each with what a reader needs at a glance (batched for lists): its start
// nodes, counts of what it affects by kind, and every deployment it asks to roll back, with whether
// that was done (and whether it broke glass past the deployment gate) and whether the deployment
// still serves a version the incident covers.
// params: ids
UNWIND $ids AS incident_id
MATCH (i:Incident {id: incident_id})
CALL (i) {
  MATCH (i)-[:STARTED_AT]->(s)
  WITH s ORDER BY s.created_at, s.id
  RETURN collect({kind: labels(s)[0], node: s {.*}}) AS starts
}
CALL (i) {
  MATCH (i)-[:AFFECTS]->(n)
  WITH labels(n)[0] AS kind, count(*) AS count
  ORDER BY kind
  RETURN collect({kind: kind, count: count}) AS counts
}
CALL (i) {
  MATCH (i)-[r:ROLLBACK_NEEDED]->(d:Deployment)
  WITH i, r, d, CASE d.environment WHEN 'production' THEN 0 ELSE 1 END AS rank
  ORDER BY rank, d.environment, d.name
  RETURN collect({deployment: d {.*}, rolled_back_at: r.rolled_back_at, rolled_back_by: r.rolled_back_by,
                  rolled_back_from: r.rolled_back_from, rolled_back_to: r.rolled_back_to,
                  break_glass: head([(d)-[s:SERVES WHERE s.since = r.rolled_back_at AND s.break_glass = true]->(:ModelVersion)
                                     | s {.break_glass_reason, .break_glass_by, .break_glass_overrode}]),
                  serves_covered: EXISTS { (d)-[serving:SERVES WHERE serving.until IS NULL]->(:ModelVersion)<-[:STARTED_AT|AFFECTS]-(i) }}) AS rollbacks
}
RETURN incident_id AS id, i {.*} AS incident, starts, counts, rollbacks
