// Records that the run used these features; idempotent. The edge is dated $at, when the link happened;
// recorded again with an earlier time it moves back to that time (the earliest report wins, so the
// order reports arrive in does not matter for `asOf`). Returns how many references matched a node and
// how many links this call added or dated earlier.
// params: run_id, refs, at
MATCH (r:Run {run_id: $run_id})
UNWIND $refs AS ref
MATCH (x:Feature {group: ref.group, name: ref.name})
OPTIONAL MATCH (r)-[known:USED]->(x)
WITH r, x, known IS NULL OR known.created_at IS NULL OR known.created_at > $at AS adds
MERGE (r)-[e:USED]->(x)
WITH x, e, adds
CALL (e, adds) {
  WITH e WHERE adds
  SET e.created_at = $at
}
RETURN count(x) AS linked, count(CASE WHEN adds THEN 1 END) AS added
