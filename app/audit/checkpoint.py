"""Signed audit checkpoints: the chain's head (seq and hash) signed with an Ed25519 key, kept
outside the database (README "Audit trail", "Checkpoints").

The chain alone proves that the events agree with each other, not that they are all there:
someone who can write to Neo4j can cut the tail off and move the head back, or rewrite history
and recompute every hash after it. A checkpoint is a claim "at seq N the chain's hash was H",
signed by a key that person does not have, stored where they cannot reach. Verifying the chain
against it detects a truncation (the chain now ends before N) and a rewritten or forked history
(event N's hash is no longer H). It says nothing about events after the newest checkpoint.

Pure: no database, no HTTP. The `lineagegraph audit checkpoint` command signs on the operator's
side, so the private key never needs to sit beside the service; the service only holds the public
key (LINEAGEGRAPH_AUDIT_PUBLIC_KEY) to check a checkpoint it is given.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "lineagegraph-audit-checkpoint/1"
# The fields a signature covers, in the canonical JSON of the checkpoint without `signature`.
SIGNED_FIELDS = ("format", "seq", "hash", "signedAt", "publicKey")


class CheckpointError(ValueError):
    """A checkpoint or key that cannot be used; the message says why, for a person."""


def new_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_signing_key(path: Path | str) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM (PKCS#8) file."""
    key = _load(path, serialization.load_pem_private_key, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: Path | str) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file."""
    key = _load(path, serialization.load_pem_public_key)
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path}: not an Ed25519 public key")
    return key


def _load(path: Path | str, loader, **options):
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read the key: {exc.strerror or exc}") from None
    try:
        return loader(data, **options)
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{path}: not a PEM key ({exc})") from None


def sign(seq: int, hash_: str, key: Ed25519PrivateKey, *, at: datetime | None = None) -> dict[str, Any]:
    """The checkpoint document for the chain's head `seq` / `hash_`."""
    document = {"format": FORMAT, "seq": seq, "hash": hash_,
                "signedAt": (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "publicKey": _raw_public(key.public_key())}
    document["signature"] = base64.b64encode(key.sign(_signed_bytes(document))).decode()
    return document


def verify(document: Any, trusted: Ed25519PublicKey) -> tuple[int, str]:
    """(seq, hash) of a checkpoint signed by the trusted key; CheckpointError saying why otherwise."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CheckpointError(f"not a {FORMAT} document")
    seq, hash_ = document.get("seq"), document.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0 or not isinstance(hash_, str) or len(hash_) != 64:
        raise CheckpointError("a checkpoint holds a seq (a whole number) and a 64-character hash")
    if document.get("publicKey") != _raw_public(trusted):
        raise CheckpointError("the checkpoint was signed with another key than the one this registry trusts")
    try:
        signature = document.get("signature")
        if not isinstance(signature, str):
            raise ValueError("no signature text")
        trusted.verify(base64.b64decode(signature, validate=True), _signed_bytes(document))
    except (InvalidSignature, ValueError, TypeError):
        raise CheckpointError("the checkpoint's signature does not hold: it was altered or not signed by the "
                              "trusted key") from None
    return seq, hash_


def _raw_public(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def _signed_bytes(document: dict[str, Any]) -> bytes:
    signed = {name: document.get(name) for name in SIGNED_FIELDS}
    return json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
