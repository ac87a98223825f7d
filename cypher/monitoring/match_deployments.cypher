// The deployments alerts name, one row per alert that names any: by `environment` and `name` when
// both are given, otherwise by `endpoint`. With each, the version it serves now and the team owning
// that version's model (the deployment's team, README "Authorization"). Alerts naming nothing that
// exists get no row; an endpoint several deployments share matches all of them.
// params: alerts
UNWIND $alerts AS a
CALL (a) {
  MATCH (d:Deployment {environment: a.environment, name: a.name})
  RETURN d
  UNION
  MATCH (d:Deployment {endpoint: a.endpoint})
  WHERE a.environment IS NULL OR a.name IS NULL
  RETURN d
}
OPTIONAL MATCH (d)-[s:SERVES WHERE s.until IS NULL]->(mv:ModelVersion)
OPTIONAL MATCH (m:Model {name: mv.model_name})
RETURN a.index AS index,
       collect(d {.id, .environment, .name, .endpoint, serving: mv {.id, .model_name, .version}, team: m.owner})
         AS deployments
