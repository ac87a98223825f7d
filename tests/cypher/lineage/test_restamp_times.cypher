// For tests only: gives nodes stored times of every form (nanoseconds, offsets, zone ids),
// each a DateTime parameter; a null leaves that property as it is.
// params: rows
UNWIND $rows AS row
MATCH (n {id: row.id})
SET n.created_at = coalesce(row.created_at, n.created_at),
    n.updated_at = coalesce(row.updated_at, n.updated_at),
    n.started_at = coalesce(row.started_at, n.started_at),
    n.ended_at = coalesce(row.ended_at, n.ended_at),
    n.state_at = coalesce(row.state_at, n.state_at),
    n.since = coalesce(row.since, n.since),
    n.artifact_verified_at = coalesce(row.artifact_verified_at, n.artifact_verified_at)
