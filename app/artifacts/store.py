"""Where artifacts are read from: a store per URI scheme, through fsspec (`file://`, `s3://` by s3fs).

fsspec is synchronous (s3fs runs its own event loop in a thread of its own), so every call here
blocks: app/artifacts/digest.py runs them in worker threads. What the service may read is bounded
by LINEAGEGRAPH_ARTIFACT_ROOTS: a registered URI is what a contributor wrote, and must not make the
service read its own files or reach hosts it was not meant to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import fsspec
from fsspec.core import url_to_fs

from app.core.config import Settings

# How much of a file is read at once: the hash is fed chunk by chunk, never the whole file.
CHUNK_BYTES = 1 << 20


class ArtifactMissing(Exception):
    """Nothing is stored at the location (the store answered: not there)."""


class ArtifactUnreadable(Exception):
    """The store could not be read: unreachable, permission denied, a location the service may not read."""


@dataclass(frozen=True)
class StoreSettings:
    """How the service reaches stores (README "Configuration": LINEAGEGRAPH_ARTIFACT_*, LINEAGEGRAPH_S3_ENDPOINT_URL)."""

    roots: tuple[str, ...] = ("s3://",)
    s3_endpoint_url: str | None = None
    concurrency: int = 4
    timeout: float = 10.0

    @classmethod
    def of(cls, settings: Settings) -> StoreSettings:
        return cls(roots=settings.artifact_root_list, s3_endpoint_url=settings.s3_endpoint_url,
                   concurrency=settings.artifact_concurrency, timeout=settings.artifact_timeout)


@dataclass(frozen=True)
class Entry:
    path: str        # the store's path of the file (no scheme)
    relative: str    # its path below the artifact's root, POSIX, for the manifest ('' for a single file)


class Location:
    """One artifact's location, opened on its store: what is there, and its files' bytes."""

    def __init__(self, fs: fsspec.AbstractFileSystem, path: str):
        self.fs = fs
        self.path = path.rstrip("/") or path

    def entries(self) -> tuple[str, list[Entry]]:
        """('file', [the file]) or ('directory', [every file below it]); ArtifactMissing when nothing is there."""
        info = _guarded(self.fs.info, self.path)
        if info.get("type") != "directory":
            return "file", [Entry(self.path, "")]
        found = _guarded(self.fs.find, self.path, withdirs=False, detail=True)
        prefix = self.path + "/"
        files = [Entry(path, path[len(prefix):]) for path, detail in sorted(found.items())
                 if detail.get("type") == "file" and path.startswith(prefix)]
        if not files:
            # An object store has no empty directories: one with no files is missing there, so it is here too.
            raise ArtifactMissing(f"{self.path} holds no files")
        return "directory", files

    def chunks(self, path: str) -> Iterator[bytes]:
        """The file's bytes, CHUNK_BYTES at a time."""
        handle = _guarded(self.fs.open, path, "rb", block_size=CHUNK_BYTES)
        with handle:
            while True:
                chunk = _guarded(handle.read, CHUNK_BYTES)
                if not chunk:
                    return
                yield chunk


def open_location(settings: StoreSettings, uri: str) -> Location:
    """The artifact at `uri` on its store; ArtifactUnreadable when the service may not or cannot read there."""
    if not any(uri.startswith(root) for root in settings.roots):
        raise ArtifactUnreadable(f"{uri} is under none of the locations this service may read "
                                 f"(LINEAGEGRAPH_ARTIFACT_ROOTS: {', '.join(settings.roots) or 'none'})")
    scheme = urlsplit(uri).scheme
    try:
        fs, path = url_to_fs(uri, **_options(settings, scheme))
    except (ValueError, ImportError) as exc:  # a scheme fsspec has no store for, or whose package is absent
        raise ArtifactUnreadable(f"no store reads {scheme}:// here: {exc}") from None
    if hasattr(fs, "retries"):
        fs.retries = 1  # s3fs retries a failed call 5 times, backing off, before it gives up
    return Location(fs, path)


def _options(settings: StoreSettings, scheme: str) -> dict[str, Any]:
    if scheme not in ("s3", "s3a"):
        return {}
    timeout = settings.timeout
    options: dict[str, Any] = {
        # A fresh client and no listing cache: a verification must see the store as it is now.
        "skip_instance_cache": True, "use_listings_cache": False,
        # Fail fast on an unreachable endpoint instead of botocore's long retry loop (s3fs's own: below).
        "config_kwargs": {"connect_timeout": timeout, "read_timeout": timeout,
                          "retries": {"max_attempts": 1, "mode": "standard"}},
    }
    if settings.s3_endpoint_url:
        options["endpoint_url"] = settings.s3_endpoint_url
    return options


def _guarded(call, *args, **kwargs):
    """A store call, its failures sorted: not there is ArtifactMissing, anything else ArtifactUnreadable.

    Deliberately broad: each store's client raises its own zoo (OSError subclasses, botocore's and
    aiohttp's errors, timeouts), and every one of them means the same here: the store was not read."""
    try:
        return call(*args, **kwargs)
    except FileNotFoundError as exc:
        raise ArtifactMissing(str(exc) or "not found") from None
    except PermissionError as exc:
        raise ArtifactUnreadable(f"permission denied: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - see the docstring
        raise ArtifactUnreadable(f"{type(exc).__name__}: {exc}") from None
