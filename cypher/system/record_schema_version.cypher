// Records that the schema migrations up to $version are applied; never lowers the version.
// params: version
MERGE (m:SchemaMigration {id: 'lineagegraph'})
ON CREATE SET m.version = $version, m.applied_at = datetime()
ON MATCH SET m.applied_at = CASE WHEN m.version < $version THEN datetime() ELSE m.applied_at END,
             m.version = CASE WHEN m.version < $version THEN $version ELSE m.version END
RETURN m.version AS version
