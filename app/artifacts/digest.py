"""The digest of an artifact as stored: a single file's sha256, or a directory's manifest digest.

A file: `sha256:` + the sha256 of its bytes. A directory (an MLflow model, a partitioned dataset):
`sha256:` + the sha256 of its manifest, the UTF-8 text of one line per file below it,

    <sha256 of the file, 64 lower-case hex>  <its path below the directory, POSIX>\\n

(two spaces, as `sha256sum` prints), sorted by path (by code point, which is UTF-8 byte order:
`LC_ALL=C sort`). README "Artifact verification" shows how to recompute it with shell tools. A
path holding a newline or a backslash is refused (UNREADABLE): `sha256sum` escapes those, so
nobody could recompute the digest by hand.

Files are streamed (app/artifacts/store.py CHUNK_BYTES at a time) in worker threads, at most
`limit` at once over everything one verification reads: fsspec's calls block.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from app.artifacts.store import ArtifactUnreadable, Location, StoreSettings, open_location

PREFIX = "sha256:"
FILE = "file"
DIRECTORY = "directory"


@dataclass(frozen=True)
class Reading:
    """What was found at an artifact's location."""

    digest: str                       # sha256:<hex>
    form: str                         # FILE or DIRECTORY
    files: dict[str, str] | None      # a directory's manifest: relative path -> sha256 hex
    size: int                         # bytes read


def manifest_text(files: Mapping[str, str]) -> str:
    """The manifest of a directory's files (relative path -> sha256 hex), as hashed."""
    return "".join(f"{files[path]}  {path}\n" for path in sorted(files))


def manifest_digest(files: Mapping[str, str]) -> str:
    """`sha256:` + the sha256 of the manifest's UTF-8 bytes."""
    return PREFIX + hashlib.sha256(manifest_text(files).encode("utf-8")).hexdigest()


class Reader:
    """Reads artifacts for one verification, at most `settings.concurrency` files at once."""

    def __init__(self, settings: StoreSettings):
        self.settings = settings
        self._slots = asyncio.Semaphore(settings.concurrency)

    async def read(self, uri: str) -> Reading:
        """The digest of what is stored at `uri`; ArtifactMissing / ArtifactUnreadable when it cannot be had."""
        async with self._slots:
            location = await asyncio.to_thread(open_location, self.settings, uri)
            form, entries = await asyncio.to_thread(location.entries)
        if form == FILE:
            hex_digest, size = await self._hash(location, entries[0].path)
            return Reading(PREFIX + hex_digest, FILE, None, size)
        for entry in entries:
            if "\n" in entry.relative or "\\" in entry.relative:
                raise ArtifactUnreadable(f"{entry.relative!r} holds a newline or a backslash: its manifest line "
                                         "could not be recomputed with sha256sum")
        hashed = await asyncio.gather(*(self._hash(location, entry.path) for entry in entries))
        files = {entry.relative: hex_digest for entry, (hex_digest, _) in zip(entries, hashed)}
        return Reading(manifest_digest(files), DIRECTORY, files, sum(size for _, size in hashed))

    async def _hash(self, location: Location, path: str) -> tuple[str, int]:
        async with self._slots:
            return await asyncio.to_thread(_sha256, location, path)


def _sha256(location: Location, path: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in location.chunks(path):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
