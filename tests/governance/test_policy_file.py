"""The policy file: the shipped default is valid, and every kind of mistake stops start-up with
the file and the field named (no Neo4j needed: create_app reads the file before connecting)."""

from __future__ import annotations

from typing import get_args

import pytest

from app.core.access import Role
from app.core.config import Settings, default_policy_file
from app.governance import gate, policy, types
from app.governance.policy import PolicyFileError, load_policies
from app.http.app import create_app

VALID = """version: 1
stages:
  PRODUCTION:
    allowed_from: [STAGING]
    tiers:
      HIGH: {checks: [evaluation], approvals: {count: 2, roles: [approver]}}
"""


def _write(tmp_path, text: str):
    path = tmp_path / "promotion.yaml"
    path.write_text(text)
    return path


def test_the_shipped_policy_is_valid_and_gates_every_stage_but_development():
    policies = load_policies(default_policy_file())
    assert set(policies.stages) == {"STAGING", "PRODUCTION", "ARCHIVED"}
    assert "CC-BY-NC-4.0" not in policies.stages["PRODUCTION"].lineage.allowed_licenses
    assert policies.stages["PRODUCTION"].tiers["HIGH"].approvals.count == 2
    # What serves traffic is gated too: production serves PRODUCTION versions passing that gate.
    assert policies.environments["production"].stages == ["PRODUCTION"]
    assert policies.environments["production"].gate == "PRODUCTION"
    assert policies.environments["staging"].stages == ["STAGING", "PRODUCTION"]
    assert policies.for_environment("test") is None


@pytest.mark.parametrize("text, field", [
    ("version: 1\nstages:\n  LIVE:\n    allowed_from: [STAGING]\n", "stages.LIVE"),
    ("version: 1\nstages:\n  QUARANTINED:\n    allowed_from: [PRODUCTION]\n", "stages.QUARANTINED"),
    (VALID.replace("count: 2", "count: -1"), "stages.PRODUCTION.tiers.HIGH.approvals.count"),
    (VALID.replace("roles: [approver]", "roles: [boss]"), "stages.PRODUCTION.tiers.HIGH.approvals.roles.0"),
    (VALID.replace("checks: [evaluation]", "checks: [vibe_check]"), "stages.PRODUCTION.tiers.HIGH.checks.0"),
    (VALID.replace("HIGH:", "SEVERE:"), "stages.PRODUCTION.tiers.SEVERE"),
    (VALID.replace("allowed_from", "allowed_form"), "stages.PRODUCTION.allowed_form"),
    (VALID + "    naming: {model: '[a-z'}\n", "stages.PRODUCTION.naming.model"),
    (VALID.replace("checks: [evaluation]", "metrics: [{metric: auc}]"), "stages.PRODUCTION.tiers.HIGH.metrics.0"),
    ("stages: {}\n", "version"),
    (VALID + "environments:\n  production: {stages: [PRODUCTION], gates: PRODUCTION}\n",
     "environments.production.gates"),
    (VALID + "environments:\n  prod: {stages: [PRODUCTION]}\n", "environments.prod"),
    (VALID + "environments:\n  staging: {stages: [QUARANTINED]}\n", "environments.staging.stages.0"),
    (VALID + "environments:\n  staging: {stages: []}\n", "environments.staging.stages"),
    (VALID + "environments:\n  staging: {stages: [STAGING], gate: STAGING}\n", "environments"),
])
def test_a_mistake_names_the_file_and_the_field(tmp_path, text, field):
    path = _write(tmp_path, text)
    with pytest.raises(PolicyFileError) as refused:
        load_policies(path)
    assert str(path) in str(refused.value) and f"`{field}`" in str(refused.value)


def test_bad_yaml_and_a_missing_file_are_named_too(tmp_path):
    path = _write(tmp_path, "version: 1\nstages: [unclosed\n")
    with pytest.raises(PolicyFileError, match=rf"{path}:\d+: not valid YAML"):
        load_policies(path)
    with pytest.raises(PolicyFileError, match="cannot read"):
        load_policies(tmp_path / "absent.yaml")


def test_a_bad_policy_file_stops_start_up(tmp_path):
    path = _write(tmp_path, VALID.replace("count: 2", "count: -1"))
    with pytest.raises(PolicyFileError, match="approvals.count"):
        create_app(Settings(LINEAGEGRAPH_POLICY_FILE=str(path)), configure_logs=False)


def test_the_policy_vocabularies_match_the_api_and_the_roles():
    assert set(get_args(policy.RoleName)) == {role.value for role in Role}
    assert policy.CHECK_KINDS == tuple(kind.value for kind in types.CheckKind)
    assert [k.value for k in gate.Requirement] == [k.value for k in types.RequirementKind]
