// Benchmark bulk load: creates one DatasetVersion per row with its VERSION_OF edge to the dataset
// (by id, which must exist); times come as epoch milliseconds. Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (dataset:Dataset {id: row.dataset_id})
WITH row, dataset, datetime({epochMillis: row.created_at}) AS at
CREATE (n:DatasetVersion {id: row.id, namespace: dataset.namespace, name: dataset.name, version: row.version,
                          dataset_id: dataset.id, digest: row.digest, row_count: row.row_count, quarantined: false,
                          created_at: at, updated_at: at, created_by: row.by, updated_by: row.by})
CREATE (n)-[:VERSION_OF]->(dataset)
RETURN count(n) AS created
