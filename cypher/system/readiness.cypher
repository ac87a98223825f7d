// One round trip for /readyz: the server answers and reports the applied schema version.
OPTIONAL MATCH (m:SchemaMigration {id: 'lineagegraph'})
RETURN m.version AS schema_version
