// Benchmark clean-up of a server given by NEO4J_URI (`--wipe`): deletes up to $batch registry
// nodes and their edges, keeping schema bookkeeping. Returns how many it deleted; repeat until 0.
// params: batch
MATCH (n)
WHERE NOT n:SchemaMigration
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
