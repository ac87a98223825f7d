// Bulk import: creates one DatasetVersion per row, its properties as given and its times (row.t) as epoch microseconds (as
// catalog.upsert_dataset_version stores them), with its VERSION_OF edge to its dataset (by id).
// Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (dataset:Dataset {id: row.parent})
CREATE (n:DatasetVersion)
SET n = row.props,
    n.created_at = datetime({epochSeconds: row.t[0] / 1000000, nanosecond: row.t[0] % 1000000 * 1000}),
    n.updated_at = datetime({epochSeconds: row.t[1] / 1000000, nanosecond: row.t[1] % 1000000 * 1000})
CREATE (n)-[:VERSION_OF]->(dataset)
RETURN count(n) AS created
