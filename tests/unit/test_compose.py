"""The production compose file: MongoDB with authentication, its password only in a Docker secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from registry.config import PROJECT_ROOT, Settings


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text()))


def test_mongodb_requires_a_password_that_only_a_secret_holds() -> None:
    c = compose()
    assert c["secrets"]["mongodb_password"]["file"].startswith("./secrets/")
    mongo, api = c["services"]["mongodb"], c["services"]["api"]
    assert mongo["environment"]["MONGO_INITDB_ROOT_PASSWORD_FILE"] == "/run/secrets/mongodb_password"
    assert "mongodb_password" in mongo["secrets"] and "mongodb_password" in api["secrets"]
    assert "--keyFile" in " ".join(mongo["entrypoint"])  # a replica set with authentication needs one
    assert "-u registry" in mongo["healthcheck"]["test"][1]
    assert api["environment"]["MONGODB_PASSWORD_FILE"] == "/run/secrets/mongodb_password"
    assert "registry@" in api["environment"]["MONGODB_URI"]
    for service in c["services"].values():  # no password in any environment
        assert not any("PASSWORD" in k and not k.endswith("_FILE") for k in service.get("environment", {}))


def test_the_registry_reads_the_password_from_the_secret_file(tmp_path: Path) -> None:
    from registry.storage.database import make_client

    (tmp_path / "pw").write_text("s3cret\n")
    uri = "mongodb://registry@mongodb:27017/registry?authSource=admin"
    settings = Settings.from_env({"MONGODB_URI": uri, "MONGODB_PASSWORD_FILE": str(tmp_path / "pw")})
    assert "s3cret" not in repr(settings)
    client = make_client(uri, settings, connect=False)
    credentials = client.options.pool_options._credentials
    assert credentials is not None and (credentials.username, credentials.password) == ("registry", "s3cret")
