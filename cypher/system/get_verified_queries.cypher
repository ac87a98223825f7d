// The digest of the query set last compiled successfully against this graph's server.
MATCH (m:SchemaMigration {id: 'lineagegraph'})
RETURN m.verified_queries AS digest
