// Records that the feature is computed from these datasets; idempotent. The edge is dated $at, when
// the link happened; recorded again with an earlier time it moves back to that time (the earliest
// report wins, so the order reports arrive in does not matter for `asOf`). Returns how many references
// matched a node and how many links this call added or dated earlier.
// params: group, name, refs, at
MATCH (f:Feature {group: $group, name: $name})
UNWIND $refs AS ref
MATCH (x:Dataset {namespace: ref.namespace, name: ref.name})
OPTIONAL MATCH (f)-[known:WAS_DERIVED_FROM]->(x)
WITH f, x, known IS NULL OR known.created_at IS NULL OR known.created_at > $at AS adds
MERGE (f)-[e:WAS_DERIVED_FROM]->(x)
WITH x, e, adds
CALL (e, adds) {
  WITH e WHERE adds
  SET e.created_at = $at
}
RETURN count(x) AS linked, count(CASE WHEN adds THEN 1 END) AS added
