// For tests only: flags a dataset version quarantined, standing in for incident response (which
// owns quarantine) so the promotion gate's reading of the flag can be tested on its own.
// params: namespace, dataset, version
MATCH (n:DatasetVersion {namespace: $namespace, name: $dataset, version: $version})
SET n.quarantined = true
