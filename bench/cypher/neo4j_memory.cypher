// The memory the benchmark's Neo4j really has: the JVM's heap limit (what the server got, whatever
// was asked for) and the page cache size it runs with.
CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes
WITH attributes.HeapMemoryUsage.value.properties.max AS heap_bytes
CALL dbms.listConfig('server.memory.pagecache.size') YIELD name, value
RETURN heap_bytes, value AS pagecache
