"""The policy file's `monitoring` section: the shipped one acts in production, and a mistake in it
stops start-up naming the field, like any other policy mistake."""

from __future__ import annotations

import pytest

from app.core.config import default_policy_file
from app.governance.policy import PolicyFileError, load_policies

VALID = """version: 1
stages:
  PRODUCTION:
    allowed_from: [STAGING]
"""


def test_the_shipped_policy_quarantines_and_rolls_back_in_production_only():
    monitoring = load_policies(default_policy_file()).monitoring
    assert monitoring.environments == ["production"]
    assert (monitoring.on_critical.quarantine, monitoring.on_critical.rollback) == (True, True)
    assert monitoring.acts_in("production") and not monitoring.acts_in("staging")


def test_left_out_nothing_acts(tmp_path):
    path = tmp_path / "promotion.yaml"
    path.write_text(VALID)
    monitoring = load_policies(path).monitoring
    assert monitoring.environments == [] and not monitoring.acts_in("production")


@pytest.mark.parametrize("section, field", [
    ("monitoring:\n  environments: [prod]\n", "monitoring.environments.0"),
    ("monitoring:\n  on_critical: {quarantine: false, rollback: true}\n", "monitoring.on_critical"),
    ("monitoring:\n  on_critical: {quarantine: true, roll_back: true}\n", "monitoring.on_critical.roll_back"),
    ("monitoring:\n  environment: [production]\n", "monitoring.environment"),
])
def test_a_mistake_in_the_monitoring_section_names_its_field(tmp_path, section, field):
    path = tmp_path / "promotion.yaml"
    path.write_text(VALID + section)
    with pytest.raises(PolicyFileError) as refused:
        load_policies(path)
    assert f"field `{field}`" in str(refused.value)
