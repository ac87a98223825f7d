// Makes a deployment serve a model version from $now on. The edge it replaces is kept with
// `until` set, so what was served when stays answerable. No-op when it already serves it.
// No row when the deployment or the model version does not exist.
// params: environment, name, model_name, version, now, principal
MATCH (d:Deployment {environment: $environment, name: $name})
MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
OPTIONAL MATCH (d)-[current:SERVES WHERE current.until IS NULL]->(served:ModelVersion)
WITH d, mv, current, served, served IS NOT NULL AND served = mv AS unchanged
CALL (d, mv, current, unchanged) {
  WITH d, mv, current WHERE NOT unchanged
  SET current.until = $now
  CREATE (d)-[:SERVES {since: $now, until: null, by: $principal}]->(mv)
  SET d.updated_at = $now, d.updated_by = $principal, d.since = $now
}
RETURN d {.*} AS node, NOT unchanged AS changed
