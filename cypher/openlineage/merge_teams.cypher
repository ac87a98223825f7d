// OpenLineage ingestion: the teams named as owners (`team:<name>`) in a batch of events.
// Creation and update times are the earliest and latest event times that named them, so a replay
// in any order leaves the same graph.
// params: rows, principal
UNWIND $rows AS row
// Times travel as text: the driver packs a datetime parameter ~50x slower than a string.
WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
MERGE (n:Team {name: row.name})
ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
              n.updated_at = last_at, n.updated_by = $principal
SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
    n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
