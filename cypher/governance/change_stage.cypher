// Moves a model version to $stage from $now on. The open IN_STAGE span gets `until` and a new one
// starts, so which stage it was in when stays answerable. No-op when it is already there; `stale`
// (and no write) when the open span started after $now: history is never rewritten, which also
// makes replaying a past stage change (history loaded twice) change nothing.
// No row when the model version does not exist.
// params: model_name, version, stage, now, principal
MATCH (n:ModelVersion {model_name: $model_name, version: $version})
OPTIONAL MATCH (n)-[current:IN_STAGE WHERE current.until IS NULL]->(:Stage)
WITH n, current, n.stage AS before, n.stage = $stage AS unchanged
WITH n, current, before, unchanged, NOT unchanged AND current IS NOT NULL AND current.since > $now AS stale
CALL (n, current, unchanged, stale) {
  WITH n, current WHERE NOT unchanged AND NOT stale
  SET current.until = $now
  MERGE (stage:Stage {name: $stage})
  ON CREATE SET stage.id = randomUUID()
  CREATE (n)-[:IN_STAGE {since: $now, by: $principal}]->(stage)
  SET n.stage = $stage, n.updated_at = $now, n.updated_by = $principal
}
RETURN n {.*} AS node, before, NOT unchanged AND NOT stale AS changed, stale
