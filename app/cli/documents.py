"""`lineagegraph export prov|cyclonedx` and `lineagegraph report`: a compliance document, to a file.

They ask a running registry for the document at its stable path (app/core/documents.py, the
same the HTTP API serves and GraphQL links to) and write it where `--output` says: by default a
file named after the subject in the current folder, `-` for stdout. Exit statuses as every
remote command's (README "Compliance documents").
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.cli.client import EXIT_OK
from app.cli.remote import IsoTime, Remote, exit_codes_help, print_json, registry_options
from app.core.documents import CYCLONEDX, PROV, REPORT_FORMATS, Document, document_path

EXIT_CODES_HELP = exit_codes_help("written", "refused: no such deployment or model version, or a malformed --as-of")


def _subject(deployment: str | None, model_version: str | None) -> tuple[str, dict, str]:
    """(kind, key, file stem) of the one subject given."""
    if (deployment is None) == (model_version is None):
        raise click.UsageError("Give exactly one of --deployment ENV/NAME and --model-version MODEL@VERSION.")
    if deployment is not None:
        environment, slash, name = deployment.partition("/")
        if not slash or not environment or not name:
            raise click.BadParameter(f"{deployment!r} is not ENV/NAME, e.g. production/credit-scoring-api",
                                     param_hint="'--deployment'")
        return "Deployment", {"environment": environment.lower(), "name": name}, f"{environment.lower()}-{name}"
    model, at, version = model_version.rpartition("@")
    if not at or not model or not version:
        raise click.BadParameter(f"{model_version!r} is not MODEL@VERSION, e.g. credit-scoring@2",
                                 param_hint="'--model-version'")
    return "ModelVersion", {"model_name": model, "version": version}, f"{model}-{version}"


def _fetch(document: Document, deployment, model_version, as_of, output, remote_options, *, format=None) -> None:
    remote = Remote.from_options(**remote_options)
    kind, key, stem = _subject(deployment, model_version)
    path = document_path(document.name, kind, key, as_of=as_of, format=format)
    with remote.session(f"fetching {path}") as client:
        body, media_type = client.get_document(path)
    target = output or f"{stem}{document.suffix}"
    if target == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    Path(target).write_bytes(body)
    if remote.as_json:
        print_json({"ok": True, "exitCode": EXIT_OK, "path": path, "file": str(target), "mediaType": media_type,
                    "bytes": len(body)})
    else:
        click.echo(f"wrote {target} ({len(body)} bytes, {media_type})")


def _subject_options(command):
    for option in reversed([
        click.option("--deployment", metavar="ENV/NAME", help="A deployment, e.g. production/credit-scoring-api."),
        click.option("--model-version", metavar="MODEL@VERSION", help="A model version, e.g. credit-scoring@2."),
        click.option("--as-of", type=IsoTime(), default=None,
                     help="Describe it as it stood at this time (ISO 8601; without a zone, UTC). Default: now."),
        click.option("-o", "--output", metavar="FILE",
                     help="Where to write it (`-` for stdout). Default: a file named after the subject, here."),
    ]):
        command = option(command)
    return command


@click.group("export")
def export() -> None:
    """Export what the registry knows of a deployment or model version in an open standard."""


@export.command("prov", epilog=EXIT_CODES_HELP)
@_subject_options
@registry_options
def export_prov(deployment, model_version, as_of, output, **remote_options) -> None:
    """Its provenance as W3C PROV-JSON: entities, activities, agents and their relations.

    \b
    lineagegraph export prov --deployment production/credit-scoring-api --as-of 2026-03-15
    """
    _fetch(PROV, deployment, model_version, as_of, output, remote_options)


@export.command("cyclonedx", epilog=EXIT_CODES_HELP)
@_subject_options
@registry_options
def export_cyclonedx(deployment, model_version, as_of, output, **remote_options) -> None:
    """Its CycloneDX 1.6 ML-BOM: the model with its model card, every upstream dataset version, the lineage.

    \b
    lineagegraph export cyclonedx --model-version credit-scoring@2 -o credit-scoring-2.cdx.json
    """
    _fetch(CYCLONEDX, deployment, model_version, as_of, output, remote_options)


@click.command("report", epilog=EXIT_CODES_HELP)
@_subject_options
@click.option("--format", "format_", type=click.Choice(sorted(REPORT_FORMATS), case_sensitive=False), default="html",
              show_default=True, help="Printable HTML, or Markdown.")
@registry_options
def report(deployment, model_version, as_of, output, format_, **remote_options) -> None:
    """The compliance report of a deployment or model version, for a reviewer to read and sign off.

    \b
    lineagegraph report --deployment production/credit-scoring-api -o credit-scoring-api.html
    """
    chosen = format_.lower()
    _fetch(REPORT_FORMATS[chosen], deployment, model_version, as_of, output, remote_options,
           format=None if chosen == "html" else chosen)
