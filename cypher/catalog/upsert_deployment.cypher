// Registers a deployment by (environment, name), or updates the fields given; returns it and
// whether anything changed. Which version it serves is set by `set_deployment_serving`.
// `previous`: [field, value before] of each field this call changed, for the audit trail.
// params: environment, name, id, props, now, principal
MERGE (n:Deployment {environment: $environment, name: $name})
ON CREATE SET n += $props, n.id = $id, n.created_at = $now, n.created_by = $principal,
              n.updated_at = $now, n.updated_by = $principal
WITH n, [k IN keys($props) WHERE n[k] IS NULL OR n[k] <> $props[k]] AS changed,
     [k IN keys($props) WHERE n[k] IS NOT NULL AND n[k] <> $props[k] | [k, n[k]]] AS previous
CALL (n, changed) {
  WITH n WHERE size(changed) > 0
  SET n += $props, n.updated_at = $now, n.updated_by = $principal
}
RETURN n {.*} AS node, previous, n.id = $id AS created, size(changed) > 0 AS changed
