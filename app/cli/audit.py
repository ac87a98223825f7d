"""`lineagegraph audit …`: signed checkpoints of the audit chain, kept outside the database.

  keygen       make an Ed25519 key pair (the private key stays with whoever signs checkpoints;
               the service is given the public key as LINEAGEGRAPH_AUDIT_PUBLIC_KEY)
  checkpoint   verify the chain through the API and sign its head (seq, hash) with the private
               key; write the checkpoint to a file, or stdout for an external store
  verify       verify the chain through the API, against a checkpoint when given

Exit statuses as the other remote commands (README "Audit trail"): 0 the chain holds, 1 it does
not (or the registry refused the checkpoint), 2 bad usage, 3 unreachable, 4 unauthenticated or
forbidden (the read_audit permission is needed).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from app.audit import checkpoint as checkpoints
from app.cli.client import EXIT_OK, EXIT_REFUSED
from app.cli.remote import Remote, exit_codes_help, print_json, registry_options

SIGNING_KEY_ENV = "LINEAGEGRAPH_AUDIT_SIGNING_KEY"

VERIFY_AUDIT = """query($checkpoint: JSON) {
  verifyAudit(checkpoint: $checkpoint) { ok checked firstBrokenSeq reason headSeq headHash checkpointSeq } }"""

EXIT_CODES_HELP = exit_codes_help("the chain holds (and reaches the checkpoint, when one was given)",
                                  "it does not, or the checkpoint was refused (signature, key)",
                                  denied="unauthenticated or forbidden (read_audit is needed)")


@click.group()
def audit() -> None:
    """Signed checkpoints of the audit chain (README "Audit trail")."""


@audit.command("keygen", epilog="The private key file is written with mode 0600 and never overwritten.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the private key (PEM); the public key goes beside it as OUT.pub.")
def keygen(out: Path) -> None:
    """Make an Ed25519 key pair for signing audit checkpoints."""
    public = out.with_name(out.name + ".pub")
    for path in (out, public):
        if path.exists():
            raise click.UsageError(f"{path} exists; keys are never overwritten.")
    key = checkpoints.new_signing_key()
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(checkpoints.private_key_pem(key))
    public.write_bytes(checkpoints.public_key_pem(key.public_key()))
    click.echo(f"private key: {out} (keep it away from the registry's database and service)", err=True)
    click.echo(f"public key:  {public} (give it to the service as LINEAGEGRAPH_AUDIT_PUBLIC_KEY)", err=True)


@audit.command("checkpoint", epilog=EXIT_CODES_HELP)
@click.option("--signing-key", envvar=SIGNING_KEY_ENV, required=True, show_envvar=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The Ed25519 private key (PEM).")
@click.option("--out", "out", default="-", show_default=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write the checkpoint (JSON); `-` is stdout.")
@registry_options
def checkpoint(signing_key: Path, out: str, **remote_options) -> None:
    """Verify the whole chain, then sign its head into a checkpoint.

    \b
    lineagegraph audit checkpoint --signing-key audit.key --out checkpoints/$(date +%F).json
    """
    remote = Remote.from_options(**remote_options)
    try:
        key = checkpoints.load_signing_key(signing_key)
    except checkpoints.CheckpointError as exc:
        raise click.BadParameter(str(exc), param_hint="'--signing-key'") from None
    verdict = _verify(remote, None)
    if not verdict["ok"]:
        _report(remote, verdict)  # a broken chain is not signed: exits 1
    document = checkpoints.sign(verdict["headSeq"], verdict["headHash"], key)
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if out == "-":
        click.echo(text, nl=False)
    else:
        Path(out).write_text(text, encoding="utf-8")
    click.echo(f"checkpoint of seq {document['seq']} ({verdict['checked']} events verified)"
               f"{'' if out == '-' else ' written to ' + out}", err=True)


@audit.command("verify", epilog=EXIT_CODES_HELP)
@click.option("--checkpoint", "checkpoint_file", type=click.File("r", encoding="utf-8"), default=None,
              help="A checkpoint file (or `-` for stdin): the chain must still reach it.")
@registry_options
def verify(checkpoint_file, **remote_options) -> None:
    """Recompute the audit chain in the registry, against a checkpoint when given."""
    remote = Remote.from_options(**remote_options)
    document = None
    if checkpoint_file is not None:
        try:
            document = json.load(checkpoint_file)
        except ValueError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="'--checkpoint'") from None
    _report(remote, _verify(remote, document))


def _verify(remote: Remote, document) -> dict:
    with remote.session("verifying the audit chain") as client:
        return client.graphql(VERIFY_AUDIT, {"checkpoint": document})["verifyAudit"]


def _report(remote: Remote, verdict: dict) -> None:
    exit_code = EXIT_OK if verdict["ok"] else EXIT_REFUSED
    if remote.as_json:
        print_json({"ok": verdict["ok"], "exitCode": exit_code, "verification": verdict})
    elif verdict["ok"]:
        against = f", and it reaches checkpoint seq {verdict['checkpointSeq']}" if verdict["checkpointSeq"] else ""
        click.echo(f"audit chain holds: {verdict['checked']} events verified, head at seq {verdict['headSeq']}{against}")
    else:
        click.echo(f"audit chain BROKEN at seq {verdict['firstBrokenSeq']}: {verdict['reason']}")
    if exit_code != EXIT_OK:
        sys.exit(exit_code)
