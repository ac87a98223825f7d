// The highest schema migration applied to this graph (null on a graph never migrated).
MATCH (m:SchemaMigration {id: 'lineagegraph'})
RETURN m.version AS version, m.applied_at AS applied_at
