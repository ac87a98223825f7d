// For tests only: each DateTime parameter back as Neo4j returns it, and its text as the lean
// lineage statements return it (toString), to compare the driver's decoding with app/core/times.py.
// params: values
UNWIND $values AS value
RETURN value, toString(value) AS stored
