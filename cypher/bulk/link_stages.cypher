// Bulk import: the stage history of model versions. Each row is [model version id, [[stage name,
// {since, until, by}], …]]; until is absent on the current span, as catalog.upsert_model_version
// leaves it. Returns how many edges it created.
// params: rows
UNWIND $rows AS row
MATCH (version:ModelVersion {id: row[0]})
UNWIND row[1] AS link
MATCH (stage:Stage {name: link[0]})
CREATE (version)-[e:IN_STAGE]->(stage)
SET e = link[1]
RETURN count(e) AS created
