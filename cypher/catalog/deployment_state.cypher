// What a deployment is before a registration changes it: the node (null when it does not exist
// yet), the version it serves now with when that started, and the team owning that version's model
// (the deployment's team: changing the deployment is that team's call). One row always.
// params: environment, name
OPTIONAL MATCH (d:Deployment {environment: $environment, name: $name})
OPTIONAL MATCH (d)-[s:SERVES WHERE s.until IS NULL]->(mv:ModelVersion)
OPTIONAL MATCH (m:Model {name: mv.model_name})
RETURN d {.*} AS node, mv {.model_name, .version, .id} AS serving, s.since AS serving_since, m.owner AS team
