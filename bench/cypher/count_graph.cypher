// Benchmark check: how many nodes and relationships the graph holds (read from the count store,
// so it is instant), bookkeeping nodes included.
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships
