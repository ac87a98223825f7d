"""A hash of the whole registry graph: equal before and after means nothing was written.

The audit log is not part of `graph_fingerprint` (replays that give the same graph log different
arrival times); `audit_fingerprint` covers it, for tests that prove a refusal wrote no audit event."""

from __future__ import annotations

import hashlib
import json


def canonical(value) -> str:
    """Sorted-key JSON; neo4j temporal values (and anything else not JSON) by str()."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def node_rows(run_cypher) -> list[str]:
    return sorted(canonical({"labels": sorted(row["labels"]), "props": row["props"]})
                  for row in run_cypher("admin.all_nodes"))


def edge_rows(run_cypher) -> list[str]:
    return sorted(canonical({"source": row["source"], "type": row["type"], "props": row["props"],
                             "target": row["target"]})
                  for row in run_cypher("admin.all_edges"))


def graph_fingerprint(run_cypher) -> str:
    """sha256 over every node (labels, properties) and every edge (source id, type, properties,
    target id), each canonically serialised and the lot sorted."""
    payload = canonical({"nodes": node_rows(run_cypher), "edges": edge_rows(run_cypher)})
    return hashlib.sha256(payload.encode()).hexdigest()


def audit_fingerprint(run_cypher) -> str:
    """sha256 over the audit log (every event's seq and hash): unchanged means nothing was appended."""
    events = [(row["event"]["seq"], row["event"]["hash"]) for row in run_cypher("admin.audit_events")]
    return hashlib.sha256(canonical(events).encode()).hexdigest()
