"""Secrets the hub keeps itself when the environment does not give them."""

from __future__ import annotations

import os
import secrets

from hub.settings import Settings


def person_key_secret(settings: Settings) -> bytes:
    """The HMAC key for person keys: from settings, else a random one kept in data_dir (0600).

    It must never change for a graph: every person key was derived from it.
    """
    if settings.person_key_secret is not None:
        return settings.person_key_secret.get_secret_value().encode()
    path = settings.data_dir / "person-key.secret"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
