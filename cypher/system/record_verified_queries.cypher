// Records that the query set with this digest compiles on this server, so the next start can skip the check.
// params: digest
MERGE (m:SchemaMigration {id: 'lineagegraph'})
SET m.verified_queries = $digest
