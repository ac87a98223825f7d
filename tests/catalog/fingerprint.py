"""A hash of the whole registry graph: equal before and after means nothing was written."""

from __future__ import annotations

import hashlib
import json


def graph_fingerprint(run_cypher) -> str:
    """sha256 over every node (labels, properties) and edge (ends, type, properties), canonically ordered."""
    nodes = sorted(json.dumps(row, sort_keys=True, default=str) for row in run_cypher("admin.all_nodes"))
    edges = sorted(json.dumps(row, sort_keys=True, default=str) for row in run_cypher("admin.all_edges"))
    return hashlib.sha256(json.dumps([nodes, edges]).encode()).hexdigest()
