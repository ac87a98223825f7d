// OpenLineage ingestion: the teams named as owners (`team:<name>`) in a batch of events.
// Creation and update times are the earliest and latest event times that named them, so a replay
// in any order leaves the same graph.
// params: rows, principal
UNWIND $rows AS row
MERGE (n:Team {name: row.name})
ON CREATE SET n.id = row.id, n.created_at = row.first_at, n.created_by = $principal,
              n.updated_at = row.last_at, n.updated_by = $principal
SET n.created_at = CASE WHEN row.first_at < n.created_at THEN row.first_at ELSE n.created_at END,
    n.updated_at = CASE WHEN row.last_at > n.updated_at THEN row.last_at ELSE n.updated_at END
