// OpenLineage ingestion: the dataset snapshots a batch of events names (the `version` facet, or
// the dataset's unversioned snapshot). Created at the earliest event time that names them.
// params: rows, principal
UNWIND $rows AS row
// Times travel as text: the driver packs a datetime parameter ~50x slower than a string.
WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
MATCH (dataset:Dataset {namespace: row.namespace, name: row.name})
MERGE (n:DatasetVersion {namespace: row.namespace, name: row.name, version: row.version})
ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
              n.updated_at = last_at, n.updated_by = $principal,
              n.dataset_id = dataset.id, n.quarantined = false
SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
    n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
MERGE (n)-[:VERSION_OF]->(dataset)
