// Every edge between registry nodes with its type and properties (tests fingerprint the graph with it).
MATCH (a)-[r]->(b)
RETURN a.id AS source, type(r) AS type, properties(r) AS props, b.id AS target
