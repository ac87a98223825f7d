// Deletes every registry node and edge, keeping schema bookkeeping: the suite's empty registry.
MATCH (n)
WHERE NOT n:SchemaMigration
DETACH DELETE n
