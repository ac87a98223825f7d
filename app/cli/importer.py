"""`lineagegraph import …`: bring another system's assets and lineage into the registry.

`import mlflow` sends OpenLineage events through the CLI's registry client, and reports its
failures and exits as every remote command does (app/cli/remote.py); an event the registry refuses
is named by its MLflow entity, and the rest is still imported.

`import registry` is the bulk path for an initial import (README "Bulk import", app/bulk/): it
talks to the service's Neo4j directly, with the service's settings (NEO4J_URI, …), as `migrate`
does, and takes an admin's token (LINEAGEGRAPH_TOKEN, or the bootstrap token) to say who imports.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

from app.cli.client import LINEAGE_PATH, RegistryError
from app.cli.remote import Remote, exit_codes_help, fail, registry_options

EXIT_CODES_HELP = exit_codes_help(
    "imported (what the registry cannot hold is listed as left out)",
    "an event refused (its MLflow entity is named; the rest was imported), or the store unreadable",
    denied="the registry refused the credentials (--token)")


@click.group("import")
def import_() -> None:
    """Import assets and their lineage from other systems (through the OpenLineage endpoint)."""


@import_.command("mlflow", epilog=EXIT_CODES_HELP)
@click.option("--tracking-uri", required=True, envvar="MLFLOW_TRACKING_URI", show_envvar=True,
              help="The MLflow tracking store: sqlite:///mlflow.db, postgresql://…, http(s)://server.")
@click.option("--model-registry-uri", default=None, envvar="MLFLOW_REGISTRY_URI", show_envvar=True,
              help="MLflow's model registry store, when it is not the tracking store.")
@click.option("--experiment", "experiments", multiple=True, metavar="NAME",
              help="Import only this experiment (repeatable); default all active ones.")
@click.option("--namespace", default="mlflow", show_default=True,
              help="OpenLineage job namespace of the experiments (one per MLflow server, if you import several).")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 32),
              help="Events sent at once (the registry commits concurrent events together).")
@click.option("--dry-run", is_flag=True, help="Print the OpenLineage events as JSON lines instead of sending them.")
@registry_options(json_output=False)
def mlflow(tracking_uri: str, model_registry_uri: str | None, experiments: tuple[str, ...], namespace: str,
           workers: int, dry_run: bool, **remote_options) -> None:
    """Import an MLflow tracking store: experiments, runs (parameters, metrics, code), dataset
    inputs with their digests, registered models with their versions and aliases.

    The store is converted to OpenLineage RunEvents and sent to the registry's
    /api/v1/lineage; the registry merges them idempotently, so importing again changes
    nothing (and picks up what is new).
    """
    from app.core import validation as v
    from app.cli import mlflow as importer

    if not v.NAMESPACE.fullmatch(namespace):
        raise click.BadParameter("expected a source-system name such as 'mlflow' or 'mlflow://tracking.example.com'",
                                 param_hint="--namespace")

    remote = Remote.from_options(**remote_options)  # a malformed --registry-url fails here, before the store is read

    report = importer.ImportReport()
    try:
        client = importer.open_client(tracking_uri, model_registry_uri)
        snapshot = importer.read_store(client, experiment_names=experiments, report=report, progress=_bar)
    except importer.MlflowMissing as exc:
        raise click.ClickException(str(exc)) from exc
    except (FileNotFoundError, LookupError) as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:  # MlflowException, SQLAlchemy and HTTP errors of the store
        raise click.ClickException(f"Reading the MLflow store at {tracking_uri} failed: "
                                   f"{type(exc).__name__}: {exc}") from exc
    planned = importer.plan_events(snapshot, report, namespace=namespace)

    if dry_run:
        from openlineage.client.serde import Serde

        for item in planned:
            click.echo(Serde.to_json(item.event))
        _summary(report, [], sent=0, out=sys.stderr, dry_run=True)
        sys.exit(1 if report.errors else 0)

    try:
        with click.progressbar(length=len(planned), label=_label("Sending events"), file=sys.stderr,
                               show_pos=True, width=30) as bar:
            refusals = importer.send_events(planned, remote.client, workers=workers,
                                            on_sent=lambda item: bar.update(1))
    except RegistryError as error:  # what every further event would meet: nothing more was sent
        fail(remote, error, "sending the MLflow store's events", retry_note=(
            f"{remote.url}{LINEAGE_PATH} cannot be reached or cannot take events now; stopped, and importing "
            "again later is safe: the registry ignores what it already has"))
    _summary(report, refusals, sent=len(planned) - len(refusals))
    if refusals or report.errors:
        sys.exit(1)


def _label(text: str) -> str:
    return text.ljust(22)  # the bars line up


def _bar(items, label: str):
    return click.progressbar(items, label=_label(label), file=sys.stderr, show_pos=True, width=30)


def _summary(report, refusals, *, sent: int, out=None, dry_run: bool = False) -> None:
    out = out or sys.stdout
    counts = report.counts
    parts = [f"{counts[key]} {key}" for key in ("experiments", "runs", "dataset inputs", "registered models",
                                                "model versions", "aliases", "evaluations")]
    verb = "would import" if dry_run else "imported"
    click.echo(f"MLflow {verb}: " + ", ".join(parts) + ("" if dry_run else f" ({sent} events accepted)"), file=out)
    for what, n in sorted(report.skipped.items()):
        examples = "; ".join(report.examples.get(what, []))
        click.echo(f"  left out: {n} {what}" + (f" — e.g. {examples}" if examples else ""), file=out)
    for message in report.errors:
        click.echo(f"error: {message}", file=sys.stderr)
    for refusal in refusals:
        click.echo(f"error: the registry refused {refusal.entity}: {refusal.error.status} {refusal.error}",
                   file=sys.stderr)
    if refusals:
        click.echo(f"{len(refusals)} event(s) refused; the rest was imported.", file=sys.stderr)


REGISTRY_EXIT_CODES = "\n".join([
    "\b",
    "Exit status:",
    "  0  imported (counts and rates printed; one audit entry records it)",
    "  1  refused, nothing written: a bad row (file:line), a non-empty registry, or the write failed and was undone",
    "  2  bad usage",
    "  3  Neo4j unreachable",
    "  4  the token is not an admin's (or no token)",
])


@import_.command("registry", epilog=REGISTRY_EXIT_CODES)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--token", envvar="LINEAGEGRAPH_TOKEN", default=None, show_envvar=True, metavar="TOKEN",
              help="An admin's API token (or the bootstrap token): who imports, for the audit trail.")
@click.option("--allow-nonempty", is_flag=True,
              help="Import into a registry that already holds catalog nodes (the import must still be self-contained).")
@click.option("--batch", default=10_000, show_default=True, type=click.IntRange(100, 100_000),
              help="Rows (or edges) per write transaction.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 16),
              help="Write transactions at once.")
@click.option("--check", "check_only", is_flag=True, help="Read and check the files only; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON document on stdout.")
def registry(path: Path, token: str | None, allow_nonempty: bool, batch: int, workers: int, check_only: bool,
             as_json: bool) -> None:
    """Bulk-import a registry from JSON Lines files (a directory of teams.jsonl, datasets.jsonl, …, or one
    file whose lines name their kind) into the configured Neo4j: every row checked first, nothing written
    unless all of it is.

    \b
    LINEAGEGRAPH_TOKEN=lg_… lineagegraph import registry ./export/
    """
    from datetime import UTC, datetime

    from app.bulk import service as bulk
    from app.bulk.inputs import InvalidImport, parse
    from app.core.access import SYSTEM
    from app.core.config import Settings
    from app.core.errors import Conflict, DomainError, Forbidden, Unavailable

    def echo(line: str) -> None:
        click.echo(line, err=True)

    if check_only:
        try:
            parsed = parse(path, principal=SYSTEM.name, now=datetime.now(UTC))
        except InvalidImport as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
        click.echo(f"{parsed.rows:,} rows check out: {parsed.node_count:,} nodes, {parsed.edge_count:,} edges "
                   f"({parsed.digest})")
        return
    if not token:
        click.echo("error: an admin's token is needed (--token or LINEAGEGRAPH_TOKEN).", err=True)
        sys.exit(4)
    try:
        settings = Settings()
    except Exception as exc:
        raise click.UsageError(f"bad configuration in the environment:\n{exc}") from exc
    try:
        report = asyncio.run(_import_registry(settings, token, path, allow_nonempty=allow_nonempty, batch=batch,
                                              workers=workers, echo=echo))
    except Forbidden as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(4)
    except Unavailable as exc:
        click.echo(f"error: {exc.message} ({settings.effective_neo4j_uri})", err=True)
        sys.exit(3)
    except (InvalidImport, Conflict, DomainError) as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(bulk.summary(report), indent=2))
        return
    nodes = report.node_count
    click.echo(f"imported {nodes:,} nodes and {report.edge_count:,} edges in {report.total_s:.1f} s "
               f"({nodes / report.total_s:,.0f} nodes/s; read and checked in {report.phase('parse'):.1f} s, nodes written "
               f"in {report.phase('nodes'):.1f} s, edges in {report.phase('edges'):.1f} s); input {report.digest}")


async def _import_registry(settings, token: str, path: Path, **options):
    from app.auth.service import authenticate, hash_token
    from app.bulk import service as bulk
    from app.core.cypher import load_queries
    from app.core.db import Database
    from app.core.errors import Forbidden
    from app.http.app import prepare_graph

    db = Database.connect(bulk.import_settings(settings), load_queries(settings.cypher_dir))
    try:
        bootstrap = settings.bootstrap_token
        principal = await authenticate(db, token.strip(),
                                       bootstrap_hash=hash_token(bootstrap.get_secret_value()) if bootstrap else None)
        if principal is None:
            raise Forbidden("The token is unknown, revoked or expired.")
        await prepare_graph(db)  # the constraints and indexes are in place before the first row
        return await bulk.import_registry(db, principal, path, **options)
    finally:
        await db.close()
