"""The digests as the README documents them, recomputed with shell tools (`find`, `sha256sum`,
`sort`): an independent reading of the format, byte for byte."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import subprocess

import pytest

from app.artifacts.digest import Reader, manifest_text
from app.artifacts.store import ArtifactMissing, ArtifactUnreadable, StoreSettings

# The README's command, as a reader would paste it (run in the artifact's directory).
MANIFEST_DIGEST_SH = ("find . -type f -printf '%P\\n' | LC_ALL=C sort | "
                      "while IFS= read -r f; do sha256sum \"$f\"; done | sha256sum | cut -d' ' -f1")


def _read(root, uri: str):
    return asyncio.run(Reader(StoreSettings(roots=(root.as_uri() + "/",), concurrency=2)).read(uri))


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils' sha256sum is not installed")
def test_the_manifest_digest_is_what_find_sha256sum_and_sort_compute(tmp_path):
    model = tmp_path / "model"
    files = {"MLmodel": b"flavors: {}\n", "model.pkl": os.urandom((1 << 20) * 2 + 3), "a b/c.json": b"{}",
             "Z-upper.txt": b"upper sorts before lower in C order", "data/part-0.parquet": b"PAR1",
             "data/part-1.parquet": b"", "é-accent.txt": "non-ASCII path".encode()}
    for path, data in files.items():
        (model / path).parent.mkdir(parents=True, exist_ok=True)
        (model / path).write_bytes(data)

    reading = _read(tmp_path, model.as_uri())
    shell = subprocess.run(["bash", "-c", MANIFEST_DIGEST_SH], cwd=model, capture_output=True, text=True,
                           check=True, env={**os.environ, "LC_ALL": "C"})
    assert reading.digest == "sha256:" + shell.stdout.strip()
    assert reading.form == "directory" and reading.size == sum(len(d) for d in files.values())
    assert list(reading.files) == sorted(files, key=lambda p: p.encode())  # byte order, as `LC_ALL=C sort`
    listing = subprocess.run(["bash", "-c", "find . -type f -printf '%P\\n' | LC_ALL=C sort | "
                              "while IFS= read -r f; do sha256sum \"$f\"; done"], cwd=model, capture_output=True,
                             text=True, check=True, env={**os.environ, "LC_ALL": "C"})
    assert manifest_text(reading.files) == listing.stdout


def test_a_single_file_is_the_sha256_of_its_bytes_read_in_chunks(tmp_path):
    weights = tmp_path / "weights.bin"
    data = os.urandom((1 << 20) * 3 + 1)  # more than three read chunks
    weights.write_bytes(data)
    reading = _read(tmp_path, weights.as_uri())
    assert (reading.digest, reading.form, reading.files, reading.size) == (
        "sha256:" + hashlib.sha256(data).hexdigest(), "file", None, len(data))


def test_nothing_there_an_empty_directory_and_a_path_outside_the_roots(tmp_path):
    with pytest.raises(ArtifactMissing):
        _read(tmp_path, (tmp_path / "gone").as_uri())
    (tmp_path / "empty").mkdir()
    with pytest.raises(ArtifactMissing):  # as on an object store, which has no empty directories
        _read(tmp_path, (tmp_path / "empty").as_uri())
    with pytest.raises(ArtifactUnreadable, match="LINEAGEGRAPH_ARTIFACT_ROOTS"):
        _read(tmp_path / "empty", (tmp_path / "gone").as_uri())
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "back\\slash").write_bytes(b"x")
    with pytest.raises(ArtifactUnreadable, match="sha256sum"):
        _read(tmp_path, odd.as_uri())


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its mode")
def test_a_file_the_service_may_not_read_is_unreadable(tmp_path):
    locked = tmp_path / "locked.bin"
    locked.write_bytes(b"secret")
    locked.chmod(0)
    with pytest.raises(ArtifactUnreadable, match="permission denied"):
        _read(tmp_path, locked.as_uri())


def _target(**fields) -> dict:
    return {"kind": "ModelVersion", "uri": "s3://m/1", "read_uri": "s3://m/1", "expected": "sha256:" + "a" * 64,
            "baseline": None, **fields}


def test_judging_a_reading_against_the_record_as_it_is_when_recorded():
    import json

    from app.artifacts.digest import Reading, manifest_digest
    from app.artifacts.service import judge

    before = {"a.txt": "1" * 64, "b.txt": "2" * 64}
    now = {"a.txt": "1" * 64, "c.txt": "3" * 64}
    reading = Reading(manifest_digest(now), "directory", now, 10)
    baseline = json.dumps(before)
    # b.txt went missing (and c.txt appeared): a file gone since the last match is MISSING.
    outcome, actual, detail, _ = judge(_target(expected=manifest_digest(before), baseline=baseline), reading)
    assert (outcome, actual) == ("MISSING", manifest_digest(now)) and "b.txt" in detail
    # Without a baseline the same reading can only be DRIFT.
    assert judge(_target(expected=manifest_digest(before)), reading)[0] == "DRIFT"
    # A file replaced by a directory, a directory by a file.
    assert judge(_target(), reading)[0] == "DRIFT"
    single = Reading("sha256:" + "9" * 64, "file", None, 3)
    assert judge(_target(expected=manifest_digest(before), baseline=baseline), single)[0] == "DRIFT"
    # The location changed while it was read: nothing is concluded.
    assert judge(_target(read_uri="s3://m/old"), reading)[0] == "UNREADABLE"
    # A digest recorded meanwhile counts: the reading is compared with it.
    assert judge(_target(expected=manifest_digest(now)), reading)[0] == "MATCH"
    assert judge(_target(expected=None), reading)[:2] == ("UNRECORDED", manifest_digest(now))
    assert judge(_target(uri=None, read_uri=None), None)[0] == "UNRECORDED"
