"""Signing keys: the shared file, rotation, and the JWKS with current and previous keys."""

from __future__ import annotations

import json
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from auth_kit import unverified

from auth.keys import (
    KeyFileError,
    SigningKeys,
    ensure_signing_keys,
    keys_path,
    read_signing_keys,
    rotate_signing_key,
)


def test_the_key_file_is_private_and_holds_a_current_es256_key(tmp_path):
    path = ensure_signing_keys(tmp_path / "keys")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    current, keys = read_signing_keys(path)
    assert current.alg == "ES256" and current.is_private
    assert [k.kid for k in keys] == [current.kid]
    assert ensure_signing_keys(tmp_path / "keys") == path  # idempotent
    assert read_signing_keys(path)[0].kid == current.kid


def test_racing_instances_agree_on_one_first_key(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: ensure_signing_keys(tmp_path), range(16)))
    kids = {SigningKeys.open(tmp_path, create=False).current.kid for _ in range(3)}
    assert len(kids) == 1


def test_rotation_keeps_the_newest_previous_keys(tmp_path):
    first = read_signing_keys(ensure_signing_keys(tmp_path))[0].kid
    second = rotate_signing_key(tmp_path, keep_previous=2)
    third = rotate_signing_key(tmp_path, keep_previous=2)
    fourth = rotate_signing_key(tmp_path, keep_previous=2)
    current, keys = read_signing_keys(keys_path(tmp_path))
    assert current.kid == fourth
    assert [k.kid for k in keys] == [fourth, third, second]
    assert first not in {k.kid for k in keys}
    assert stat.S_IMODE(keys_path(tmp_path).stat().st_mode) == 0o600


def test_another_instance_sees_a_rotation(tmp_path):
    ensure_signing_keys(tmp_path)
    instance = SigningKeys.open(tmp_path, reload_interval_s=3600)
    old = instance.current.kid
    new = rotate_signing_key(tmp_path)
    assert instance.current.kid == old  # not re-read yet ...
    assert instance.key_for(new) is not None  # ... but an unknown kid re-reads the file
    assert instance.current.kid == new
    assert [k["kid"] for k in instance.public_jwks()["keys"]] == [new, old]


def test_a_missing_or_broken_file_is_named(tmp_path):
    with pytest.raises(KeyFileError, match="no signing key file"):
        SigningKeys.open(tmp_path, create=False)
    keys_path(tmp_path).write_text("{not json")
    with pytest.raises(KeyFileError, match="cannot be read"):
        SigningKeys.open(tmp_path, create=False)


async def test_jwks_and_tokens_across_a_rotation(auth_server, http, make_client, get_token):
    client, secret = await make_client()
    before = await get_token(client.client_id, secret)
    old_kid = unverified(before)[0]["kid"]

    new_kid = rotate_signing_key(auth_server.keys_dir)
    jwks = (await http.get("/.well-known/jwks.json")).json()
    kids = [k["kid"] for k in jwks["keys"]]
    assert kids[0] == new_kid and old_kid in kids
    assert all("d" not in k for k in jwks["keys"])  # public keys only

    after = await get_token(client.client_id, secret)
    assert unverified(after)[0]["kid"] == new_kid
    for token in (before, after):
        response = await http.get("/whoami", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text

    # once a key is dropped from the file, its tokens are refused as unknown_kid
    document = json.loads(keys_path(auth_server.keys_dir).read_text())
    document["keys"] = [k for k in document["keys"] if k["kid"] != old_kid]
    keys_path(auth_server.keys_dir).write_text(json.dumps(document))
    response = await http.get("/whoami", headers={"Authorization": f"Bearer {before}"})
    assert response.status_code == 401
    assert response.json()["code"] == "unknown_kid"
