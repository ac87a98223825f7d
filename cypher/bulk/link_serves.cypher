// Bulk import: what a deployment served, with history: {since, until, by}, until absent on the current edge. Each row is [deployment id, [[model version id, since, until, by], …]] (the edges of one
// source grouped; times as epoch microseconds, until null on the current edge); both ends exist (the import checked every reference). Returns how many edges it
// created.
// params: rows
UNWIND $rows AS row
MATCH (source:Deployment {id: row[0]})
UNWIND row[1] AS link
MATCH (target:ModelVersion {id: link[0]})
CREATE (source)-[e:SERVES]->(target)
SET e.since = datetime({epochSeconds: link[1] / 1000000, nanosecond: link[1] % 1000000 * 1000}), e.until = CASE WHEN link[2] IS NULL THEN null ELSE datetime({epochSeconds: link[2] / 1000000, nanosecond: link[2] % 1000000 * 1000}) END, e.by = link[3]
RETURN count(e) AS created
