// Registers a dataset by (namespace, name), or updates the fields given, owned by team $owner (when given).
// No row when the owner team does not exist. Returns the node and whether anything changed.
// `previous`: [field, value before] of each field this call changed, for the audit trail.
// params: namespace, name, id, props, owner, now, principal
OPTIONAL MATCH (team:Team {name: $owner})
WITH team WHERE $owner IS NULL OR team IS NOT NULL
MERGE (n:Dataset {namespace: $namespace, name: $name})
ON CREATE SET n += $props, n.id = $id, n.created_at = $now, n.created_by = $principal,
              n.updated_at = $now, n.updated_by = $principal
WITH n, team, [k IN keys($props) WHERE n[k] IS NULL OR n[k] <> $props[k]] AS changed,
     [k IN keys($props) WHERE n[k] IS NOT NULL AND n[k] <> $props[k] | [k, n[k]]] AS previous
CALL (n, changed) {
  WITH n WHERE size(changed) > 0
  SET n += $props, n.updated_at = $now, n.updated_by = $principal
}
CALL (n, team) {
  // One owner at a time: a new owner replaces the old edge.
  WITH n, team WHERE team IS NOT NULL
  OPTIONAL MATCH (n)-[old:OWNED_BY]->(previous:Team) WHERE previous <> team
  DELETE old
  MERGE (n)-[:OWNED_BY]->(team)
}
RETURN n {.*} AS node, previous, n.id = $id AS created, size(changed) > 0 AS changed
