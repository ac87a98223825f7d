// Makes a deployment serve a model version from $now on. The edge it replaces is kept with
// `until` set, so what was served when stays answerable. No-op when it already serves it;
// `stale` (and no write) when the current edge started after $now: history is never rewritten.
// `marks` go on the new edge (a break-glass override: break_glass, its reason, by whom, what it
// overrode). No row when the deployment or the model version does not exist.
// The deployment is write-locked before what it serves is read: switches of a deployment that
// did not exist when their transactions began (nothing to lock then) are released together by
// the MERGE that created it, and would otherwise each close the same edge and open their own.
// params: environment, name, model_name, version, now, principal, marks
MATCH (d:Deployment {environment: $environment, name: $name})
SET d._switch_lock = true
REMOVE d._switch_lock
WITH d
MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
OPTIONAL MATCH (d)-[current:SERVES WHERE current.until IS NULL]->(served:ModelVersion)
WITH d, mv, current, served IS NOT NULL AND served = mv AS unchanged
WITH d, mv, current, unchanged, NOT unchanged AND current IS NOT NULL AND current.since > $now AS stale
CALL (d, mv, current, unchanged, stale) {
  WITH d, mv, current WHERE NOT unchanged AND NOT stale
  SET current.until = $now
  CREATE (d)-[serves:SERVES {since: $now, by: $principal}]->(mv)
  SET serves += $marks
  SET d.updated_at = $now, d.updated_by = $principal, d.since = $now
}
RETURN d {.*} AS node, NOT unchanged AND NOT stale AS changed, stale
