"""`lineagegraph gate`: ask the registry whether a model version may enter a stage, for CI/CD.

It calls `gateStatus` over HTTP (app/cli/client.py), the same verdict `promoteModelVersion` would
give, and exits with the pipeline commands' statuses (README "Promotion and policies"):

  0  allowed
  1  not allowed (every unmet requirement is printed), or the version does not exist
  2  bad usage (nothing was sent)
  3  registry unreachable or unavailable: retry later
  4  unauthenticated or forbidden
"""

from __future__ import annotations

import sys

import click

from app.cli.client import EXIT_OK, EXIT_REFUSED
from app.cli.remote import Remote, exit_codes_help, print_json, registry_options
from app.core.vocabulary import STAGES

# Incident response quarantines a version; no promotion goes there, so no gate either.
PROMOTION_STAGES = tuple(stage for stage in STAGES if stage != "QUARANTINED")

GATE_STATUS = """query($mv: ModelVersionRefInput!, $stage: Stage!) {
  gateStatus(modelVersion: $mv, stage: $stage) {
    allowed stage currentStage riskTier
    unmet { kind message dataset license privacyClass check status metric min max value have need field pattern node
            outcome expectedDigest actualDigest }
  } }"""

EXIT_CODES_HELP = exit_codes_help("allowed: a promotion to STAGE would be accepted now",
                                  "not allowed (every unmet requirement is printed), or no such version")


@click.command("gate", epilog=EXIT_CODES_HELP)
@click.option("--model", required=True, metavar="NAME", help="The registered model's name.")
@click.option("--version", "model_version", required=True, metavar="VERSION", help="The version to evaluate.")
@click.option("--stage", required=True, type=click.Choice(PROMOTION_STAGES, case_sensitive=False),
              help="The stage it would be promoted to.")
@registry_options
def gate(model, model_version, stage, **remote_options) -> None:
    """Would promoting MODEL@VERSION to STAGE be allowed now? Promotes nothing.

    Evaluates the registry's promotion policy (checks, metric thresholds, approvals, naming,
    licences and privacy classes upstream, quarantine) and prints every unmet requirement.

    \b
    lineagegraph gate --model credit-scoring --version 7 --stage production
    """
    remote = Remote.from_options(**remote_options)
    stage = stage.upper()
    with remote.session(f"evaluating the gate of {model}@{model_version} for {stage}") as client:
        verdict = client.graphql(GATE_STATUS, {"mv": {"model": model, "version": model_version},
                                               "stage": stage})["gateStatus"]
    exit_code = EXIT_OK if verdict["allowed"] else EXIT_REFUSED
    if remote.as_json:
        print_json({"ok": verdict["allowed"], "exitCode": exit_code, "gate": verdict})
    else:
        outcome = "allowed" if verdict["allowed"] else f"NOT allowed: {len(verdict['unmet'])} requirement(s) unmet"
        click.echo(f"{model}@{model_version} -> {stage}: {outcome} "
                   f"(now {verdict['currentStage']}, risk tier {verdict['riskTier']})")
        for unmet in verdict["unmet"]:
            click.echo(f"  - {unmet['kind']}: {unmet['message']}")
    sys.exit(exit_code)
