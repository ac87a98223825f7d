// Registers a version of an existing model by (model_name, version); the artifact digest is
// fixed once recorded. No row when the model does not exist. Returns the node, whether anything
// changed, and the stored digest for the caller to compare. A new version starts in DEVELOPMENT,
// its first IN_STAGE span opening now; stage changes belong to promotion (cypher/governance).
// `previous`: [field, value before] of each field this call changed, for the audit trail.
// params: model_name, version, id, artifact_digest, props, now, principal
MATCH (model:Model {name: $model_name})
MERGE (n:ModelVersion {model_name: $model_name, version: $version})
ON CREATE SET n += $props, n.id = $id, n.created_at = $now,
              n.created_by = $principal, n.updated_at = $now, n.updated_by = $principal,
              n.model_id = model.id, n.quarantined = false, n.stage = 'DEVELOPMENT'
MERGE (n)-[:VERSION_OF]->(model)
// The digest may be recorded late, once; the caller refuses a different one (stored_digest).
WITH n, n.artifact_digest AS stored_digest, n.artifact_digest IS NULL AND $artifact_digest IS NOT NULL AS digest_added
SET n.artifact_digest = coalesce(n.artifact_digest, $artifact_digest)
WITH n, stored_digest, digest_added,
     [k IN keys($props) WHERE n[k] IS NULL OR n[k] <> $props[k]] AS changed,
     [k IN keys($props) WHERE n[k] IS NOT NULL AND n[k] <> $props[k] | [k, n[k]]] AS previous
CALL (n, changed, digest_added) {
  WITH n WHERE size(changed) > 0 OR digest_added
  SET n += $props, n.updated_at = $now, n.updated_by = $principal
}
CALL (n) {
  WITH n WHERE NOT EXISTS { (n)-[:IN_STAGE]->(:Stage) }
  MERGE (stage:Stage {name: n.stage})
  ON CREATE SET stage.id = randomUUID()
  CREATE (n)-[:IN_STAGE {since: $now, by: $principal}]->(stage)
}
RETURN n {.*} AS node, previous, n.id = $id AS created, size(changed) > 0 OR digest_added AS changed,
       stored_digest
