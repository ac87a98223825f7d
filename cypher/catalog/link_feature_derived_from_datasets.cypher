// Records that the feature is computed from these datasets; idempotent (the edge keeps when it was first recorded, for `asOf`). Returns how many references matched a node.
// params: group, name, refs, now
MATCH (f:Feature {group: $group, name: $name})
UNWIND $refs AS ref
MATCH (x:Dataset {namespace: ref.namespace, name: ref.name})
MERGE (f)-[e:WAS_DERIVED_FROM]->(x)
ON CREATE SET e.created_at = $now
RETURN count(x) AS linked
