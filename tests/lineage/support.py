"""Shared by the lineage tests."""

from app.governance.policy import Policies

# These tests record what served when as facts of a registry's history; the deployment gate
# (tests/governance/test_deployment_gate.py) is not what they test, so no environment asks anything.
UNGATED = Policies(version=1, stages={})
