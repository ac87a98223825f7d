// Bulk import: the stage history of model versions. Each row is [model version id, [[stage name,
// since, until, by], …]] (times as epoch microseconds); until is null on the current span, and the
// property then absent, as catalog.upsert_model_version
// leaves it. Returns how many edges it created.
// params: rows
UNWIND $rows AS row
MATCH (version:ModelVersion {id: row[0]})
UNWIND row[1] AS link
MATCH (stage:Stage {name: link[0]})
CREATE (version)-[e:IN_STAGE]->(stage)
SET e.since = datetime({epochSeconds: link[1] / 1000000, nanosecond: link[1] % 1000000 * 1000}), e.until = CASE WHEN link[2] IS NULL THEN null ELSE datetime({epochSeconds: link[2] / 1000000, nanosecond: link[2] % 1000000 * 1000}) END, e.by = link[3]
RETURN count(e) AS created
