// Benchmark bulk load: the stage history of model versions. Each row is [model version id, stage
// name, since, until] (epoch milliseconds); `until` is null for the current stage, and the
// property is then absent, as `catalog.upsert_model_version` leaves it. Returns how many edges
// it created.
// params: rows
UNWIND $rows AS row
MATCH (version:ModelVersion {id: row[0]})
MATCH (stage:Stage {name: row[1]})
CREATE (version)-[e:IN_STAGE {since: datetime({epochMillis: row[2]}), by: version.created_by}]->(stage)
SET e.until = CASE WHEN row[3] IS NOT NULL THEN datetime({epochMillis: row[3]}) END
RETURN count(e) AS created
