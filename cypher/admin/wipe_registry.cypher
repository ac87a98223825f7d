// Deletes every registry node and edge, keeping schema bookkeeping; for tests and `lineagegraph reset`.
MATCH (n)
WHERE NOT n:SchemaMigration
DETACH DELETE n
