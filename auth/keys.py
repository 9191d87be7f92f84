"""The hub's token-signing keys: a private JWK Set in one file, shared by every hub instance.

The file (`<keys_dir>/oauth-signing.json`, mode 0600) holds `{"current": kid, "keys": [...]}`,
newest key first; every key is an ES256 (EC P-256) private JWK. Tokens are signed with the
current key; the previous keys are kept (and published in the JWKS) so tokens they signed stay
valid until they expire. `rotate_signing_key` adds a new current key and drops keys beyond
`keep_previous`: rotate no more often than once per token lifetime per kept key.

In production the file comes from the deployment (a mounted secret, or a shared volume where
`hub keys rotate` runs); it is never generated per instance. Several instances agree because
each re-reads the file when it changes: a `stat` at most every `reload_interval_s` before
signing, and at once when a token names a kid it does not know.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey, Key

from auth.files import write_atomic

SIGNING_ALG = "ES256"
KEYS_FILE = "oauth-signing.json"


class KeyFileError(RuntimeError):
    """The signing key file is missing or unreadable; the message names the file."""


@dataclass(frozen=True)
class _Loaded:
    stamp: tuple[int, int, int]
    current: ECKey
    keys: dict[str, ECKey]


def keys_path(keys_dir: Path) -> Path:
    return keys_dir / KEYS_FILE


def _new_key() -> ECKey:
    key = ECKey.generate_key("P-256", {"alg": SIGNING_ALG, "use": "sig"}, private=True)
    key.ensure_kid()  # the RFC 7638 thumbprint
    return key


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _document(keys: list[ECKey]) -> dict[str, Any]:
    return {"current": keys[0].kid, "keys": [dict(k.as_dict(private=True)) for k in keys]}


def ensure_signing_keys(keys_dir: Path) -> Path:
    """Create the key file with one key unless it exists (safe when instances race)."""
    path = keys_path(keys_dir)
    if not path.exists():
        write_atomic(path, json.dumps(_document([_new_key()]), indent=2), exclusive=True)
    return path


def read_signing_keys(path: Path) -> tuple[ECKey, list[ECKey]]:
    """The current key and all keys (newest first) from the file."""
    try:
        document = json.loads(path.read_text())
        keys = [ECKey.import_key(k) for k in document["keys"]]
        by_kid = {k.kid: k for k in keys}
        current = by_kid[document["current"]]
    except FileNotFoundError:
        raise KeyFileError(f"no signing key file at {path}: run `hub keys rotate`") from None
    except (ValueError, KeyError, TypeError) as error:
        raise KeyFileError(f"the signing key file {path} cannot be read: {error!r}") from None
    if not current.is_private or current.alg != SIGNING_ALG:
        raise KeyFileError(f"the current key in {path} is not a private {SIGNING_ALG} key")
    return current, keys


def rotate_signing_key(keys_dir: Path, keep_previous: int = 2) -> str:
    """Add a new current key, keep the `keep_previous` newest older keys; return the new kid."""
    path = keys_path(keys_dir)
    with _locked(path):
        older = read_signing_keys(path)[1] if path.exists() else []
        key = _new_key()
        write_atomic(path, json.dumps(_document([key, *older[:keep_previous]]), indent=2))
    return str(key.kid)


class SigningKeys:
    """The signing keys of one hub instance, re-read from the shared file when it changes.

    Thread-safe for readers: the loaded state is replaced as a whole.
    """

    def __init__(self, path: Path, reload_interval_s: float = 1.0) -> None:
        self.path = path
        self.reload_interval_s = reload_interval_s
        self._lock = threading.Lock()
        self._checked = 0.0
        self._loaded = self._load()

    @classmethod
    def open(
        cls, keys_dir: Path, *, create: bool = True, reload_interval_s: float = 1.0
    ) -> SigningKeys:
        """The keys in `keys_dir`; `create` makes a first key when there is no file."""
        if create:
            ensure_signing_keys(keys_dir)
        return cls(keys_path(keys_dir), reload_interval_s)

    def _stamp(self) -> tuple[int, int, int]:
        st = self.path.stat()
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _load(self) -> _Loaded:
        try:
            stamp = self._stamp()
        except FileNotFoundError:
            raise KeyFileError(
                f"no signing key file at {self.path}: run `hub keys rotate`"
            ) from None
        current, keys = read_signing_keys(self.path)
        return _Loaded(stamp, current, {str(k.kid): k for k in keys})

    def refresh(self, force: bool = False) -> None:
        """Re-read the file if it changed (checked at most every `reload_interval_s`)."""
        now = time.monotonic()
        if not force and now - self._checked < self.reload_interval_s:
            return
        with self._lock:
            self._checked = now
            try:
                if self._stamp() != self._loaded.stamp:
                    self._loaded = self._load()
            except (OSError, KeyFileError):
                pass  # keep the keys we have; a half-deployed file must not stop signing

    @property
    def current(self) -> ECKey:
        self.refresh()
        return self._loaded.current

    def key_for(self, kid: str) -> Key | None:
        """The (private) key of `kid`; an unknown kid re-checks the file at once.

        A key removed from the file stops verifying within `reload_interval_s`.
        """
        self.refresh()
        key = self._loaded.keys.get(kid)
        if key is None:
            self.refresh(force=True)
            key = self._loaded.keys.get(kid)
        return key

    def public_jwks(self) -> dict[str, Any]:
        """The public JWK Set: the current key first, then the previous ones."""
        self.refresh()
        loaded = self._loaded
        ordered = [loaded.current] + [k for k in loaded.keys.values() if k is not loaded.current]
        return {"keys": [dict(k.as_dict(private=False)) for k in ordered]}
