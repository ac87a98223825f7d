// The names of every constraint and index in the database (the migration tests compare them).
SHOW INDEXES YIELD name, type, owningConstraint
RETURN name, type, owningConstraint IS NOT NULL AS backs_constraint
ORDER BY name
