"""Staged promotion: policies (YAML), required checks, approvals, lineage-aware gates."""
