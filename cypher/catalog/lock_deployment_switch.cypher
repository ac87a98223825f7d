// Write-locks a deployment (when it exists) and the model version a switch would make it serve
// (when given), before the switch reads anything. Two switches of one deployment, or a switch and
// a quarantine of the version it would serve, then run one after the other, each deciding on what
// the other committed, instead of both on what was there before. Sets and removes a marker: the
// locks are taken, nothing is changed.
// params: environment, name, model_name, version
OPTIONAL MATCH (d:Deployment {environment: $environment, name: $name})
OPTIONAL MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
FOREACH (n IN [x IN [d, mv] WHERE x IS NOT NULL] | SET n._switch_lock = true REMOVE n._switch_lock)
RETURN count(*) AS locked
