// A model version a health signal is recorded against: its id and key, and the team owning its
// model (the team whose write it is). No row when it does not exist.
// params: model_name, version
MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
OPTIONAL MATCH (m:Model {name: $model_name})
RETURN mv {.id, .model_name, .version} AS node, m.owner AS team
