// Every registry node with its label and properties (tests fingerprint the whole graph with it).
MATCH (n)
WHERE NOT n:SchemaMigration
RETURN labels(n) AS labels, properties(n) AS props
