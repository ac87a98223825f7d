// Bulk import: creates one ModelVersion per row, its properties as given and its times (row.t) as epoch microseconds (as
// catalog.upsert_model_version stores them), with its VERSION_OF edge to its model (by id); its
// stage history is `bulk.link_stages`. Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (model:Model {id: row.parent})
CREATE (n:ModelVersion)
SET n = row.props,
    n.created_at = datetime({epochSeconds: row.t[0] / 1000000, nanosecond: row.t[0] % 1000000 * 1000}),
    n.updated_at = datetime({epochSeconds: row.t[1] / 1000000, nanosecond: row.t[1] % 1000000 * 1000})
CREATE (n)-[:VERSION_OF]->(model)
RETURN count(n) AS created
