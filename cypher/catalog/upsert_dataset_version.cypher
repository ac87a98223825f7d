// Registers a snapshot of an existing dataset by (namespace, name, version); its creation time
// is fixed on creation and its digest once recorded. No row when the dataset does not exist. Returns the
// node, whether anything changed, and the stored digest for the caller to compare.
// `previous`: [field, value before] of each field this call changed, for the audit trail.
// params: namespace, name, version, id, digest, created_at, props, now, principal
MATCH (dataset:Dataset {namespace: $namespace, name: $name})
MERGE (n:DatasetVersion {namespace: $namespace, name: $name, version: $version})
ON CREATE SET n += $props, n.id = $id, n.created_at = coalesce($created_at, $now),
              n.created_by = $principal, n.updated_at = $now, n.updated_by = $principal,
              n.dataset_id = dataset.id, n.quarantined = false
MERGE (n)-[:VERSION_OF]->(dataset)
// The digest may be recorded late, once; the caller refuses a different one (stored_digest).
WITH n, n.digest AS stored_digest, n.digest IS NULL AND $digest IS NOT NULL AS digest_added
SET n.digest = coalesce(n.digest, $digest)
WITH n, stored_digest, digest_added,
     [k IN keys($props) WHERE n[k] IS NULL OR n[k] <> $props[k]] AS changed,
     [k IN keys($props) WHERE n[k] IS NOT NULL AND n[k] <> $props[k] | [k, n[k]]] AS previous
CALL (n, changed, digest_added) {
  WITH n WHERE size(changed) > 0 OR digest_added
  SET n += $props, n.updated_at = $now, n.updated_by = $principal
}
RETURN n {.*} AS node, previous, n.id = $id AS created,
       size(changed) > 0 OR digest_added AS changed,
       stored_digest
