"""Artifact verification: read each version's artifact from its store, compare its digest with the
recorded one, and record what was found (README "Artifact verification").

One function, `verify_artifacts`, is the only way a verification is recorded: the GraphQL mutation
calls it, and `lineagegraph artifacts verify` calls that mutation, so the service that reads the
store is the one that records. The stores are read outside any transaction (a large model takes
a while; a Neo4j transaction must not wait on S3): a read transaction finds what to read, the
readings are made, then one write transaction re-reads the recorded digests (one recorded
meanwhile counts), judges each reading against them, records every verification with its audit
entry, and sets each version's last verification, which the promotion and deployment gates read.

Not team-scoped: a verification writes no fact of the version, only what the service itself read
from the store, so any admin or data steward may verify any team's artifacts.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.artifacts import repository
from app.artifacts.digest import DIRECTORY, Reader, Reading
from app.artifacts.store import ArtifactMissing, ArtifactUnreadable, StoreSettings
from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.core import validation as v
from app.core import vocabulary
from app.core.actor import Actor
from app.core.db import Database, Tx
from app.core.errors import InvalidInput, NotFound
from app.core.kinds import BY_LABEL

MATCH, DRIFT, MISSING, UNREADABLE, UNRECORDED = vocabulary.ARTIFACT_OUTCOMES
# What blocks promotion and deployment (app/governance/gate.py ARTIFACT_DRIFT) until a later match.
BLOCKING = frozenset({DRIFT, MISSING})

MODEL_VERSION = "ModelVersion"
DATASET_VERSION = "DatasetVersion"
# Versions one call verifies at most (the CLI sends them a batch at a time).
MAX_VERSIONS = 100
# A directory's file list is kept with its verification (the baseline a later one names missing
# files against) up to this many files; a larger one's differences are all DRIFT.
MAX_MANIFEST_FILES = 10_000
# How many verifications a version's `verifications` field lists at most.
MAX_HISTORY = 50
# How many file names a detail names before it says "and N more".
_NAMED_FILES = 10


@dataclass(frozen=True)
class Verification:
    """One recorded verification of one version."""

    kind: str                 # ModelVersion | DatasetVersion
    key: dict                 # the version's natural key
    version_id: str
    record: dict              # the ArtifactVerification as recorded (id, outcome, digests, detail, …)

    @property
    def label(self) -> str:
        return label(self.kind, self.key)


def label(kind: str, key: dict) -> str:
    """A version as people write it: credit-scoring@2, s3://raw/transactions@2026-03-08."""
    if kind == MODEL_VERSION:
        return f"{key['model_name']}@{key['version']}"
    return f"{key['namespace']}/{key['name']}@{key['version']}"


async def verify_artifacts(db: Database, actor: Actor, store: StoreSettings, *, model_versions: Sequence[dict] = (),
                           dataset_versions: Sequence[dict] = ()) -> list[Verification]:
    """Verify the artifacts of these model versions ({model_name, version}) and dataset versions
    ({namespace, name, version}): each read, judged and recorded, with its audit entry. A version
    that does not exist is NOT_FOUND and nothing is recorded."""
    models = _unique([_model_version_ref(f"modelVersions[{i}]", ref) for i, ref in enumerate(model_versions)])
    datasets = _unique([_dataset_version_ref(f"datasetVersions[{i}]", ref) for i, ref in enumerate(dataset_versions)])
    if not models and not datasets:
        raise InvalidInput("Name at least one model version or dataset version to verify.", field="input")
    if len(models) + len(datasets) > MAX_VERSIONS:
        raise InvalidInput(f"At most {MAX_VERSIONS} versions are verified per call; "
                           f"{len(models) + len(datasets)} were named.", field="input")

    targets = await db.read(_targets, models, datasets)
    read_uris = {(t["kind"], t["i"]): t["uri"] for t in targets}
    reader = Reader(store)
    readings = {}
    for target in targets:  # gathered below: the reader bounds how many files are read at once
        if target["uri"] is not None:
            readings[(target["kind"], target["i"])] = _read(reader, target["uri"])
    results = dict(zip(readings, await _gather(readings.values())))

    async def work(tx: Tx) -> list[Verification]:
        fresh = await _targets(tx, models, datasets)  # a digest (or location) recorded meanwhile counts
        rows = []
        for target in fresh:
            key = (target["kind"], target["i"])
            outcome, actual, detail, reading = judge({**target, "read_uri": read_uris[key]}, results.get(key))
            rows.append({
                "version_id": target["id"], "id": str(uuid.uuid4()), "outcome": outcome, "uri": target["uri"],
                "expected_digest": target["expected"], "actual_digest": actual, "detail": detail,
                "form": reading.form if reading else None,
                "file_count": (len(reading.files) if reading.files is not None else 1) if reading else None,
                "bytes": reading.size if reading else None,
                "manifest": _manifest(reading)})
        recorded = await repository.record_verifications(tx, verifications=rows, now=datetime.now(UTC),
                                                         principal=actor.principal)
        verifications = []
        for target, row in zip(fresh, recorded):
            found = Verification(kind=target["kind"], key=dict(target["ref"]), version_id=row["version_id"],
                                 record=dict(row["verification"]))
            after = {"outcome": found.record["outcome"], "uri": found.record["uri"],
                     "expected": found.record["expected_digest"], "actual": found.record["actual_digest"],
                     "detail": found.record["detail"], "verification": found.record["id"]}
            record_audit(tx, AuditEntry(
                actor=actor.principal, action="verifyArtifacts", target_kind=found.kind,
                target_key=BY_LABEL[found.kind].describe_key(found.key), target_id=found.version_id,
                before={"outcome": target["previous"]}, after=after))
            verifications.append(found)
        return verifications

    return await db.write(work)


def judge(target: dict, result: Reading | Exception | None) -> tuple[str, str | None, str | None, Reading | None]:
    """(outcome, actual digest, detail, reading) of one version's reading against its record as it is
    now (`target`: its uri, expected digest and baseline; `read_uri`, the location that was read)."""
    expected, uri = target["expected"], target["uri"]
    if uri is None:
        field = "artifactUri" if target["kind"] == MODEL_VERSION else "uri"
        return UNRECORDED, None, f"No artifact location is recorded ({field}): there is nothing to read.", None
    if target["read_uri"] != uri:
        return UNREADABLE, None, "Its recorded location changed while it was read; verify it again.", None
    if isinstance(result, ArtifactUnreadable):
        return UNREADABLE, None, f"{uri} could not be read: {result}", None
    if isinstance(result, ArtifactMissing):
        return MISSING, None, f"Nothing is stored at {uri} ({result}).", None
    reading = result
    if expected is None:
        return UNRECORDED, reading.digest, ("No digest is recorded to compare with; the artifact's digest is "
                                            f"{reading.digest}."), reading
    if reading.digest == expected:
        return MATCH, reading.digest, None, reading
    baseline = json.loads(target["baseline"]) if target["baseline"] else None
    if baseline is None:
        return DRIFT, reading.digest, (f"The {reading.form}'s digest differs from the recorded one (no earlier "
                                       "matching verification names its files)."), reading
    if reading.form != DIRECTORY:
        return DRIFT, reading.digest, "A directory of files matched before; a single file is stored there now.", reading
    gone = sorted(set(baseline) - set(reading.files))
    if gone:
        return MISSING, reading.digest, (f"{len(gone)} file(s) the last matching verification read are gone: "
                                         f"{_names(gone)}."), reading
    changed = sorted(p for p in baseline if reading.files[p] != baseline[p])
    added = sorted(set(reading.files) - set(baseline))
    parts = ([f"{len(changed)} changed: {_names(changed)}"] if changed else []) + \
            ([f"{len(added)} added: {_names(added)}"] if added else [])
    return DRIFT, reading.digest, "Since the last matching verification, file(s) " + "; ".join(parts) + ".", reading


async def _targets(tx: Tx, models: list[dict], datasets: list[dict]) -> list[dict]:
    """The versions to verify with what they are compared to; NOT_FOUND for the first that does not exist."""
    rows = await repository.verification_targets(tx, model_versions=models, dataset_versions=datasets)
    for row in rows:
        if row["id"] is None:
            key = label(row["kind"], row["ref"])
            raise NotFound(f"{row['kind']} {key} does not exist.", kind=row["kind"], key=key)
    return [{**row, "ref": dict(row["ref"])} for row in rows]


async def _read(reader: Reader, uri: str) -> Reading | Exception:
    try:
        return await reader.read(uri)
    except (ArtifactMissing, ArtifactUnreadable) as exc:
        return exc


async def _gather(reads) -> list:
    return list(await asyncio.gather(*reads))


def _manifest(reading: Reading | None) -> str | None:
    if reading is None or reading.files is None or len(reading.files) > MAX_MANIFEST_FILES:
        return None
    return json.dumps(reading.files, sort_keys=True, separators=(",", ":"))


def _names(paths: list[str]) -> str:
    named = ", ".join(paths[:_NAMED_FILES])
    return named + (f" and {len(paths) - _NAMED_FILES} more" if len(paths) > _NAMED_FILES else "")


def _unique(refs: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for ref in refs:
        key = tuple(sorted(ref.items()))
        if key not in seen:
            seen.add(key)
            unique.append(ref)
    return unique


def _model_version_ref(field: str, ref: dict) -> dict:
    return {"model_name": v.identifier(f"{field}.model", ref["model_name"]),
            "version": v.version(f"{field}.version", ref["version"])}


def _dataset_version_ref(field: str, ref: dict) -> dict:
    return {"namespace": v.namespace(f"{field}.namespace", ref["namespace"]),
            "name": v.text_key(f"{field}.name", ref["name"], max_length=v.MAX_NAME),
            "version": v.version(f"{field}.version", ref["version"])}


# --- reads ------------------------------------------------------------------------------------------


async def verifications_of(db: Database, version_ids: list[str], *, limit: int) -> list[list[dict]]:
    """The latest `limit` verifications of each version (newest first), in the order of `version_ids`."""
    v.in_range("first", limit, 1, MAX_HISTORY)
    found = await db.read(repository.verifications_of, version_ids=list(version_ids), limit=limit)
    return [found.get(version_id, []) for version_id in version_ids]

