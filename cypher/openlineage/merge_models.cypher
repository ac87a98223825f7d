// OpenLineage ingestion: the models whose versions a batch of events carries
// (the lineagegraph_modelVersion facet), by name.
// params: rows, principal
UNWIND $rows AS row
MERGE (n:Model {name: row.name})
ON CREATE SET n.id = row.id, n.created_at = row.first_at, n.created_by = $principal,
              n.updated_at = row.last_at, n.updated_by = $principal
SET n.created_at = CASE WHEN row.first_at < n.created_at THEN row.first_at ELSE n.created_at END,
    n.updated_at = CASE WHEN row.last_at > n.updated_at THEN row.last_at ELSE n.updated_at END
