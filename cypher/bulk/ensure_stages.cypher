// Bulk import: the life-cycle Stage nodes, one per name, as catalog.upsert_model_version MERGEs
// them on first use. Returns how many it created.
// params: names
UNWIND $names AS name
MERGE (stage:Stage {name: name})
ON CREATE SET stage.id = randomUUID()
RETURN count(CASE WHEN stage.id IS NOT NULL THEN 1 END) AS created
