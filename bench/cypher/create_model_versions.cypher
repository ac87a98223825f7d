// Benchmark bulk load: creates one ModelVersion per row with its VERSION_OF edge to the model (by
// id, which must exist); times come as epoch milliseconds. Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (model:Model {id: row.model_id})
WITH row, model, datetime({epochMillis: row.created_at}) AS at
CREATE (n:ModelVersion {id: row.id, model_name: model.name, version: row.version, model_id: model.id,
                        artifact_uri: row.artifact_uri, artifact_digest: row.artifact_digest,
                        framework: row.framework, license: row.license, stage: row.stage, quarantined: false,
                        tags: row.tags, tags_text: row.tags_text,
                        created_at: at, updated_at: at, created_by: row.by, updated_by: row.by})
CREATE (n)-[:VERSION_OF]->(model)
RETURN count(n) AS created
