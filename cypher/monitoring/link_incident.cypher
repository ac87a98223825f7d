// Links a health signal to the incident the monitoring policy opened (or found open) for it: the
// signal RAISED the incident (its `incident_id` too), and the incident SUSPECTS {depth} every node
// upstream of the version the deployment served — along USED, WAS_GENERATED_BY and WAS_DERIVED_FROM,
// at most $max_depth hops, the nearest $budget — without flagging any: an alert on a model says
// something is wrong with what it serves, not which input is to blame. Returns how many suspects it
// links now (those already linked not counted) and whether the budget cut them.
// params: signal_id, incident_id, model_version_id, max_depth, budget, now
MATCH (s:HealthSignal {id: $signal_id}), (i:Incident {id: $incident_id})
MERGE (s)-[:RAISED]->(i)
SET s.incident_id = $incident_id
WITH i
OPTIONAL MATCH (mv:ModelVersion {id: $model_version_id})
CALL (i, mv) {
  OPTIONAL MATCH (mv)-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM*1..25]->(n)
  WHERE size(r) <= $max_depth
  WITH n, min(size(r)) AS depth
  WHERE n IS NOT NULL
  ORDER BY depth
  RETURN collect({n: n, depth: depth}) AS upstream
}
CALL (i, upstream) {
  UNWIND upstream[0..$budget] AS x
  WITH i, x.n AS n, x.depth AS depth
  WHERE NOT EXISTS { (i)-[:SUSPECTS]->(n) }
  CREATE (i)-[:SUSPECTS {depth: depth, created_at: $now}]->(n)
  RETURN count(*) AS linked
}
RETURN linked, size(upstream) > $budget AS budget_cut
