"""The container build and the compose file: the compose file validates with the compose
tool (no engine runs here, so nothing is built or started), the hub's environment in it is
valid settings, the image runs as a non-root user, and docs/deployment.md names every
variable the compose file needs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from hub.settings import Settings

ROOT = Path(__file__).parents[1]
COMPOSE = ROOT / "docker" / "compose.yaml"
DOCKERFILE = ROOT / "docker" / "Dockerfile"
DEPLOYMENT = ROOT / "docs" / "deployment.md"
SECRETS = {"NEO4J_PASSWORD": "s3cret-pass", "HUB_PERSON_KEY_SECRET": "ab" * 32}


def compose_command() -> list[str]:
    """`docker compose` (the v2 plugin) when present, else Debian's `docker-compose`."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    found = shutil.which("docker-compose")
    assert found, "no compose tool: `make test` installs Debian's docker-compose"
    return [found]


def config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS} | env
    return subprocess.run(
        [*compose_command(), "-f", str(COMPOSE), "config"],
        capture_output=True,
        text=True,
        env=clean,
        timeout=60,
    )


@pytest.fixture(scope="module")
def resolved() -> dict[str, Any]:
    run = config(SECRETS)
    assert run.returncode == 0, run.stderr
    document: dict[str, Any] = yaml.safe_load(run.stdout)
    return document


def test_the_compose_file_validates_with_neo4j_seed_and_hub(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    assert set(services) == {"neo4j", "seed", "hub"}
    neo4j = services["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert neo4j["environment"]["NEO4J_AUTH"] == f"neo4j/{SECRETS['NEO4J_PASSWORD']}"
    assert any(str(v).startswith("neo4j-data:/data") for v in neo4j["volumes"])
    assert services["seed"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert services["hub"]["depends_on"]["seed"]["condition"] == "service_completed_successfully"
    assert "hub seed --only-if-empty" in " ".join(services["seed"]["command"])


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_a_missing_secret_is_named(missing: str) -> None:
    run = config({k: v for k, v in SECRETS.items() if k != missing})
    assert run.returncode != 0 and missing in run.stderr


def test_the_hubs_environment_is_valid_settings(
    resolved: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith(("HUB_", "NEO4J_")):
            monkeypatch.delenv(name)
    for name, value in resolved["services"]["hub"]["environment"].items():
        monkeypatch.setenv(name, str(value))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.production and settings.neo4j_uri == "bolt://neo4j:7687"
    assert settings.neo4j_password is not None
    assert settings.neo4j_password.get_secret_value() == SECRETS["NEO4J_PASSWORD"]
    assert settings.person_key_secret is not None
    assert settings.keys_dir == Path("/var/lib/hub/keys")
    assert settings.effective_rate_limit == 600


def test_the_image_runs_the_hub_as_a_non_root_user() -> None:
    text = DOCKERFILE.read_text()
    final = text.split("\nFROM ")[-1]  # the last stage is what runs
    assert final.startswith("python:3.11-slim")
    users = re.findall(r"^USER (\S+)", final, flags=re.M)
    assert users and users[-1] not in ("root", "0")
    assert 'CMD ["hub", "serve"]' in final and "HUB_PRODUCTION=true" in final


def test_the_deployment_doc_names_every_variable_and_file() -> None:
    doc = DEPLOYMENT.read_text()
    variables = set(re.findall(r"\$\{([A-Z_]+)", COMPOSE.read_text()))
    assert variables and {v for v in variables if v not in doc} == set()
    for path in re.findall(r"`((?:docker|docs)/[\w./-]+)`", doc):
        assert (ROOT / path).exists(), path


@pytest.mark.parametrize("doc", ["deployment.md", "scaling.md"])
def test_every_setting_the_docs_name_exists(doc: str) -> None:
    from auth.settings import AuthSettings

    text = (ROOT / "docs" / doc).read_text()
    named = set(re.findall(r"\b(HUB_[A-Z_]+[A-Z])\b", text)) - {"HUB_ISSUER", "HUB_PERSON_KEY"}
    assert named
    unknown = []
    for variable in sorted(named):
        name = variable.removeprefix("HUB_").lower()
        section, _, field = name.partition("__")
        if field:
            known = section == "auth" and field in AuthSettings.model_fields
        else:
            known = name in Settings.model_fields
        if not known:
            unknown.append(variable)
    assert unknown == []
