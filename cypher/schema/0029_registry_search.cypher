// Migration 29: Full-text search across names, descriptions and tags of the catalog's assets.
CREATE FULLTEXT INDEX registry_search IF NOT EXISTS
FOR (n:Dataset|Feature|Job|Model|ModelVersion|Deployment|Team)
ON EACH [n.name, n.description, n.tags_text]
