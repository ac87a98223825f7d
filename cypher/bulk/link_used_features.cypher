// Bulk import: a run USED the features it read, each edge dated when the link happened. Each row is [source id, [[target id, created_at], …]] (the edges of one
// source grouped; times as epoch microseconds); both ends exist (the import checked every reference). Returns how many edges it
// created.
// params: rows
UNWIND $rows AS row
MATCH (source:Run {id: row[0]})
UNWIND row[1] AS link
MATCH (target:Feature {id: link[0]})
CREATE (source)-[e:USED]->(target)
SET e.created_at = datetime({epochSeconds: link[1] / 1000000, nanosecond: link[1] % 1000000 * 1000})
RETURN count(e) AS created
