"""`lineagegraph artifacts verify`: have the registry read artifacts from their stores and compare
their digests with the recorded ones (README "Artifact verification").

The registry does the reading (`verifyArtifacts`, the one service function that records a
verification): the stores' credentials stay with the service, and what is recorded is what the
service itself read. This command picks the versions (named, or every version of a model or
dataset, or all), sends them a batch per request, shows a progress bar on a terminal (stderr),
prints a summary and exits:

  0  every artifact verified matches (UNRECORDED ones, with nothing to compare, are listed)
  1  drift or a missing artifact was found, or a named version does not exist
  2  bad usage (nothing was sent)
  3  the registry, or an artifact's store, could not be read: retry later
  4  unauthenticated or forbidden (verifying needs the admin or data_steward role)
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter

import click

from app.cli.client import EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE, RegistryClient, RegistryError
from app.cli.remote import Remote, exit_codes_help, fail, print_json, registry_options
from app.core.vocabulary import ARTIFACT_OUTCOMES

VERIFY = """mutation($input: VerifyArtifactsInput!) {
  verifyArtifacts(input: $input) {
    __typename
    ... on UserError { code message }
    ... on InvalidInputError { field }
    ... on NotFoundError { kind key }
    ... on ArtifactsVerified {
      blocking
      verifications { kind label verification {
        id outcome verifiedAt verifiedBy uri expectedDigest actualDigest detail form fileCount bytes } }
    } } }"""

MODEL_VERSIONS = """query($filter: ModelVersionFilter, $after: String) {
  modelVersions(filter: $filter, first: 500, after: $after) {
    edges { node { modelName version artifactUri } } pageInfo { hasNextPage endCursor } } }"""

DATASET_VERSIONS = """query($filter: DatasetVersionFilter, $after: String) {
  datasetVersions(filter: $filter, first: 500, after: $after) {
    edges { node { namespace name version uri } } pageInfo { hasNextPage endCursor } } }"""

BLOCKING = ("DRIFT", "MISSING")

EXIT_CODES_HELP = exit_codes_help(
    "every artifact verified matches its recorded digest (or has none recorded to compare with)",
    "drift or a missing artifact was found, or a named version does not exist",
    denied="unauthenticated or forbidden (verifying needs the admin or data_steward role)",
).replace("registry unreachable or unavailable", "the registry or an artifact's store unreachable")


@click.group("artifacts")
def artifacts() -> None:
    """Compare the artifacts in their stores with the digests the registry recorded."""


@artifacts.command("verify", epilog=EXIT_CODES_HELP)
@click.option("--model", "models", multiple=True, metavar="NAME[@VERSION]",
              help="A model version, or every version of a model (repeatable).")
@click.option("--dataset", "datasets", multiple=True, metavar="NAMESPACE/NAME[@VERSION]",
              help="A dataset version (s3://raw/transactions@2026-03-08), or every version of a dataset (repeatable).")
@click.option("--all", "everything", is_flag=True, help="Every model version and dataset version with a recorded location.")
@click.option("--batch-size", type=click.IntRange(1, 100), default=10, show_default=True,
              help="Versions verified per request.")
@registry_options
def verify(models, datasets, everything, batch_size, **remote_options) -> None:
    """Have the registry read each artifact from its store and compare its digest with the recorded one.

    Every verification is recorded on its version (`lastVerification`) and audited; DRIFT or
    MISSING blocks the version's promotion and deployment until a later verification matches.

    \b
    lineagegraph artifacts verify --model credit-scoring@2
    lineagegraph artifacts verify --dataset s3://raw/transactions --json
    lineagegraph artifacts verify --all
    """
    remote = Remote.from_options(**remote_options)
    if not (models or datasets or everything):
        raise click.UsageError("name what to verify: --model, --dataset or --all")
    model_specs = [_model_spec(spec) for spec in models]
    dataset_specs = [_dataset_spec(spec) for spec in datasets]
    with remote.session("listing the versions to verify") as client:
        targets, skipped = _targets(client, model_specs, dataset_specs, everything)
    results: list[dict] = []
    batches = [targets[i:i + batch_size] for i in range(0, len(targets), batch_size)]
    # On a terminal only: a pipeline's log gets the summary, not a redrawn bar.
    show_bar = sys.stderr.isatty() and not remote.as_json and len(targets) > 0
    bar = (click.progressbar(length=len(targets), label="verifying", file=sys.stderr, show_pos=True)
           if show_bar else contextlib.nullcontext())
    with remote.client() as client, bar as progress:
        for batch in batches:
            try:
                answer = client.graphql(VERIFY, {"input": {
                    "modelVersions": [t["ref"] for t in batch if t["kind"] == "ModelVersion"],
                    "datasetVersions": [t["ref"] for t in batch if t["kind"] == "DatasetVersion"]}})
            except RegistryError as error:
                fail(remote, error, f"verifying {', '.join(t['label'] for t in batch)}")
            results += answer["verifyArtifacts"]["verifications"]
            if progress is not None:
                progress.update(len(batch))
    _report(remote, results, skipped)


def _report(remote: Remote, results: list[dict], skipped: list[str]) -> None:
    counts = Counter(r["verification"]["outcome"] for r in results)
    if any(counts[o] for o in BLOCKING):
        exit_code = EXIT_REFUSED
    elif counts["UNREADABLE"]:
        exit_code = EXIT_UNREACHABLE
    else:
        exit_code = EXIT_OK
    if remote.as_json:
        print_json({"ok": exit_code == EXIT_OK, "exitCode": exit_code,
                    "counts": {o: counts[o] for o in ARTIFACT_OUTCOMES},
                    "verifications": [{"kind": r["kind"], "version": r["label"], **r["verification"]} for r in results],
                    "skipped": skipped})
    else:
        for r in results:
            found = r["verification"]
            line = f"{found['outcome']:<10} {r['label']}"
            if found["outcome"] != "MATCH" and found.get("detail"):
                line += f": {found['detail']}"
            click.echo(line)
        summary = ", ".join(f"{counts[o]} {o}" for o in ARTIFACT_OUTCOMES if counts[o]) or "nothing verified"
        click.echo(f"{len(results)} artifact(s) verified: {summary}"
                   + (f"; {len(skipped)} version(s) without a recorded location skipped" if skipped else ""))
        if exit_code == EXIT_REFUSED:
            click.echo("DRIFT and MISSING versions are refused by the promotion and deployment gates until a later "
                       "verification matches.", err=True)
        elif exit_code == EXIT_UNREACHABLE:
            click.echo("(retryable: some stores could not be read; nothing is known about those artifacts)", err=True)
    sys.exit(exit_code)


def _targets(client: RegistryClient, models: list[tuple[str, str | None]], datasets: list[tuple[str, str, str | None]],
             everything: bool) -> tuple[list[dict], list[str]]:
    """The versions to send ({kind, ref, label}), each once, and the labels of listed ones without a location."""
    targets: dict[tuple, dict] = {}
    skipped: list[str] = []

    def add(kind: str, ref: dict, label: str) -> None:
        targets.setdefault((kind, *ref.values()), {"kind": kind, "ref": ref, "label": label})

    for name, version in models:
        if version is not None:
            add("ModelVersion", {"model": name, "version": version}, f"{name}@{version}")
    for namespace, name, version in datasets:
        if version is not None:
            add("DatasetVersion", {"namespace": namespace, "name": name, "version": version},
                f"{namespace}/{name}@{version}")
    model_filters = [{"modelName": name} for name, version in models if version is None] + ([None] if everything else [])
    for model_filter in model_filters:
        for node in _pages(client, MODEL_VERSIONS, "modelVersions", model_filter):
            label = f"{node['modelName']}@{node['version']}"
            if node["artifactUri"]:
                add("ModelVersion", {"model": node["modelName"], "version": node["version"]}, label)
            else:
                skipped.append(label)
    dataset_filters = [{"namespace": ns, "name": name} for ns, name, version in datasets if version is None] \
        + ([None] if everything else [])
    for dataset_filter in dataset_filters:
        for node in _pages(client, DATASET_VERSIONS, "datasetVersions", dataset_filter):
            label = f"{node['namespace']}/{node['name']}@{node['version']}"
            if node["uri"]:
                add("DatasetVersion", {"namespace": node["namespace"], "name": node["name"],
                                       "version": node["version"]}, label)
            else:
                skipped.append(label)
    return list(targets.values()), sorted(set(skipped))


def _pages(client: RegistryClient, query: str, field: str, filter_: dict | None):
    after = None
    while True:
        page = client.graphql(query, {"filter": filter_, "after": after})[field]
        for edge in page["edges"]:
            yield edge["node"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def _model_spec(spec: str) -> tuple[str, str | None]:
    name, at, version = spec.partition("@")
    if not name or (at and not version):
        raise click.BadParameter(f"{spec!r}: give NAME or NAME@VERSION", param_hint="'--model'")
    return name, version or None


def _dataset_spec(spec: str) -> tuple[str, str, str | None]:
    """NAMESPACE/NAME[@VERSION]: the namespace is `scheme://authority` or a bare word, as OpenLineage names them."""
    scheme, sep, rest = spec.partition("://")
    if sep:
        authority, slash, path = rest.partition("/")
        namespace, path = f"{scheme}://{authority}", path if slash else ""
    else:
        namespace, _, path = spec.partition("/")
    name, version = path, None
    if "@" in path:
        head, _, tail = path.rpartition("@")
        if tail and "/" not in tail:
            name, version = head, tail
    if not namespace or not name:
        raise click.BadParameter(f"{spec!r}: give NAMESPACE/NAME or NAMESPACE/NAME@VERSION, "
                                 "e.g. s3://raw/transactions@2026-03-08", param_hint="'--dataset'")
    return namespace, name, version
