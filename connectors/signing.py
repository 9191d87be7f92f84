"""Signing and verifying batches as flattened JSON JWS, with Ed25519 (EdDSA) or ES256 keys.

Agencies sign with their private key; the hub verifies with the public JWK registered for the
`kid` in the protected header. Only the algorithms in `ALGORITHMS` are ever accepted, and the
header's algorithm must be the one the key is registered for, so `alg: none`, HMAC with a
public key, or a key used under another algorithm all fail.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import warnings
from pathlib import Path
from typing import Any, Literal, cast

from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError, SecurityWarning
from joserfc.jwk import ECKey, KeyParameters, OKPKey
from joserfc.jws import FlattenedJSONSerialization, HeaderDict, JWSRegistry

Algorithm = Literal["EdDSA", "Ed25519", "ES256"]
ALGORITHMS: dict[str, str] = {"EdDSA": "Ed25519", "Ed25519": "Ed25519", "ES256": "P-256"}
"""Accepted JWS algorithms and the key curve each needs. `Ed25519` is RFC 9864's name for
EdDSA over Ed25519; both are accepted since most JOSE libraries still write `EdDSA`."""

BATCH_TYPE = "hub-batch+jws"

Key = OKPKey | ECKey


class _BatchRegistry(JWSRegistry):
    # joserfc caps payloads at 128 kB by default; a batch of 10,000 records is megabytes, and
    # the pipeline bounds a batch's size itself (Limits.max_bytes) before it gets here.
    max_payload_length = 256 * 1024 * 1024


class SignatureProblem(Exception):
    """Why a JWS could not be verified; `code` is stable and machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


MAX_KID_CHARS = 200
"""The longest key id a batch may name (the hub's own are far shorter)."""


def generate_key(alg: Algorithm, kid: str) -> Key:
    """A new private key for `alg`, carrying its kid and alg."""
    params: KeyParameters = {"kid": kid, "alg": alg, "use": "sig"}
    if ALGORITHMS[alg] == "Ed25519":
        return OKPKey.generate_key("Ed25519", params, private=True)
    return ECKey.generate_key("P-256", params, private=True)


def public_jwk(key: Key) -> dict[str, Any]:
    return dict(key.as_dict(private=False))


def import_jwk(data: dict[str, Any]) -> Key:
    """A key from its JWK; only OKP Ed25519 and EC P-256 keys are accepted."""
    kty, crv = data.get("kty"), data.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return OKPKey.import_key(data)
    if kty == "EC" and crv == "P-256":
        return ECKey.import_key(data)
    raise ValueError(f"unsupported key type {kty}/{crv}: use OKP Ed25519 or EC P-256")


def write_private_key(path: Path, key: Key) -> None:
    """Write the private JWK readable by its owner only (0600), refusing to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(key.as_dict(private=True), handle, indent=2)


def read_private_key(path: Path) -> Key:
    data = json.loads(path.read_text())
    if "d" not in data:
        raise ValueError(f"{path} holds no private key")
    return import_jwk(data)


def sign(payload: bytes, key: Key) -> dict[str, str]:
    """The flattened JSON JWS of `payload`, protected header {alg, kid, typ}."""
    alg = str(key.alg)
    header: HeaderDict = {"protected": {"alg": alg, "kid": str(key.kid), "typ": BATCH_TYPE}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # EdDSA's RFC 9864 rename notice
        signed = jws.serialize_json(header, payload, key, algorithms=[alg])
    return {k: str(v) for k, v in signed.items()}


def read_header(document: object) -> dict[str, Any]:
    """The protected header of a flattened JWS, checked for shape only (not verified)."""
    if not isinstance(document, dict):
        raise SignatureProblem(
            "MALFORMED_JWS",
            f"a batch must be a JSON object (flattened JWS), not {_json_kind(document)}",
        )
    if "signatures" in document:
        raise SignatureProblem(
            "MALFORMED_JWS", "use the flattened JWS serialisation: one signature, no 'signatures'"
        )
    missing = [m for m in ("payload", "protected", "signature") if m not in document]
    if missing:
        raise SignatureProblem("MALFORMED_JWS", f"the JWS lacks {', '.join(missing)}")
    for member in ("payload", "protected", "signature"):
        if not _canonical_b64url(document[member]):
            raise SignatureProblem("MALFORMED_JWS", f"{member} is not canonical unpadded base64url")
    extra = sorted(set(document) - {"payload", "protected", "signature"})
    if extra:
        raise SignatureProblem(
            "MALFORMED_JWS", f"unprotected members are not accepted: {', '.join(extra)}"
        )
    try:
        header = json.loads(b64url_decode(str(document["protected"])))
    except (ValueError, binascii.Error):
        raise SignatureProblem(
            "MALFORMED_JWS", "the protected header is not base64url JSON"
        ) from None
    except RecursionError:
        raise SignatureProblem(
            "MALFORMED_JWS", "the protected header is nested too deeply"
        ) from None
    if not isinstance(header, dict):
        raise SignatureProblem("MALFORMED_JWS", "the protected header is not a JSON object")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise SignatureProblem(
            "ALG_NOT_ALLOWED",
            f"algorithm {alg!r} is not accepted; use one of {', '.join(sorted(ALGORITHMS))}",
        )
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise SignatureProblem("MALFORMED_JWS", "the protected header has no kid")
    if len(header["kid"]) > MAX_KID_CHARS:
        raise SignatureProblem(
            "MALFORMED_JWS", f"the protected header's kid is longer than {MAX_KID_CHARS} characters"
        )
    if header.get("crit"):
        raise SignatureProblem("MALFORMED_JWS", "no critical header extensions are supported")
    return header


def verify(document: dict[str, Any], public_key: Key, key_alg: str) -> bytes:
    """Verify with the registered key and return the payload bytes. `EdDSA` and `Ed25519`
    are one algorithm: a key registered under either name verifies a header naming the other."""
    header = read_header(document)
    alg = str(header["alg"])
    if ALGORITHMS[alg] != ALGORITHMS.get(key_alg):
        raise SignatureProblem(
            "ALG_KEY_MISMATCH", f"key {header['kid']} is registered for {key_alg}, not {alg}"
        )
    if public_key.alg != alg:
        # joserfc holds a key to the `alg` its JWK names; same curve, so name the header's
        public_key = import_jwk({**public_key.as_dict(private=False), "alg": alg})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            flattened = cast(FlattenedJSONSerialization, document)
            registry = _BatchRegistry(algorithms=[alg])
            result = jws.deserialize_json(flattened, public_key, registry=registry)
    except BadSignatureError:
        raise SignatureProblem(
            "BAD_SIGNATURE", f"the signature does not verify with key {header['kid']}"
        ) from None
    except (JoseError, ValueError, TypeError, KeyError, binascii.Error) as error:
        raise SignatureProblem("MALFORMED_JWS", f"the JWS cannot be read: {error}") from None
    return bytes(result.payload)


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array"


def _canonical_b64url(segment: object) -> bool:
    """True for unpadded base64url that re-encodes to itself (no spare bits set)."""
    if not isinstance(segment, str) or not segment.isascii():
        return False
    try:
        decoded = b64url_decode(segment)
    except (ValueError, binascii.Error):
        return False
    return base64.urlsafe_b64encode(decoded).decode().rstrip("=") == segment


def b64url_decode(segment: str) -> bytes:
    """Decode unpadded base64url (as every JWS member is)."""
    padded = segment + "=" * (-len(segment) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))
