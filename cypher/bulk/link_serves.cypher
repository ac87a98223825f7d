// Bulk import: what a deployment served, with history: {since, until, by}, until absent on the current edge. Each row is [source id, [[target id, edge properties], …]] (the edges of one
// source grouped); both ends exist (the import checked every reference). Returns how many edges it
// created.
// params: rows
UNWIND $rows AS row
MATCH (source:Deployment {id: row[0]})
UNWIND row[1] AS link
MATCH (target:ModelVersion {id: link[0]})
CREATE (source)-[e:SERVES]->(target)
SET e = link[1]
RETURN count(e) AS created
