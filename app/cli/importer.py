"""`lineagegraph import …`: bring another system's assets and lineage into the registry.

`lineagegraph import mlflow` exits as the pipeline commands do:

  0  imported (what the registry cannot hold is listed as left out)
  1  the registry refused an event (the MLflow entity is named; the rest was imported), or the
     MLflow store could not be read
  2  bad usage
  3  the registry cannot be reached or cannot answer now: nothing more was sent, and importing
     again is safe
  4  the registry refused the credentials (--token)
"""

from __future__ import annotations

import sys

import click

DEFAULT_REGISTRY_URL = "http://127.0.0.1:8000"
EXIT_UNREACHABLE = 3
EXIT_DENIED = 4


class RegistryUnreachableError(click.ClickException):
    exit_code = EXIT_UNREACHABLE


class RegistryDeniedError(click.ClickException):
    exit_code = EXIT_DENIED


@click.group("import")
def import_() -> None:
    """Import assets and their lineage from other systems (through the OpenLineage endpoint)."""


@import_.command("mlflow")
@click.option("--tracking-uri", required=True, envvar="MLFLOW_TRACKING_URI", show_envvar=True,
              help="The MLflow tracking store: sqlite:///mlflow.db, postgresql://…, http(s)://server.")
@click.option("--model-registry-uri", default=None, envvar="MLFLOW_REGISTRY_URI", show_envvar=True,
              help="MLflow's model registry store, when it is not the tracking store.")
@click.option("--registry-url", default=DEFAULT_REGISTRY_URL, show_default=True, envvar="LINEAGEGRAPH_URL",
              show_envvar=True, help="The lineagegraph service to import into.")
@click.option("--token", default=None, envvar="LINEAGEGRAPH_TOKEN", show_envvar=True,
              help="API token sent as 'Authorization: Bearer …'.")
@click.option("--experiment", "experiments", multiple=True, metavar="NAME",
              help="Import only this experiment (repeatable); default all active ones.")
@click.option("--namespace", default="mlflow", show_default=True,
              help="OpenLineage job namespace of the experiments (one per MLflow server, if you import several).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to wait for the registry to answer one event.")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 32),
              help="Events sent at once (the registry commits concurrent events together).")
@click.option("--dry-run", is_flag=True, help="Print the OpenLineage events as JSON lines instead of sending them.")
def mlflow(tracking_uri: str, model_registry_uri: str | None, registry_url: str, token: str | None,
           experiments: tuple[str, ...], namespace: str, timeout: float, workers: int,
           dry_run: bool) -> None:
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

    def make_client():
        return importer.lineage_client(registry_url, token=token, timeout=timeout)

    if not dry_run:  # a malformed --registry-url fails here, before the store is read
        try:
            make_client().close()
        except ValueError as exc:  # the openlineage client's own check of the URL
            raise click.BadParameter(str(exc), param_hint="--registry-url") from exc
        except importer.RegistryRefusedAll as exc:
            raise click.ClickException(str(exc)) from exc

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
            refusals = importer.send_events(planned, make_client, workers=workers,
                                            on_sent=lambda item: bar.update(1))
    except importer.RegistryUnreachable as exc:
        raise RegistryUnreachableError(f"{exc}\nStopped; importing again later is safe (the registry "
                                       "ignores what it already has).") from exc
    except importer.RegistryDenied as exc:
        raise RegistryDeniedError(str(exc)) from exc
    except importer.RegistryRefusedAll as exc:
        raise click.ClickException(str(exc)) from exc
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
        click.echo(f"error: the registry refused {refusal.entity}: {refusal.status} {refusal.message}", file=sys.stderr)
    if refusals:
        click.echo(f"{len(refusals)} event(s) refused; the rest was imported.", file=sys.stderr)
