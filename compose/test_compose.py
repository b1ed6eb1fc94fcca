"""Structure checks of the compose deployment (no Docker engine needed).

Run: python3 -m pytest -q compose
"""
import pathlib
import re

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROLES = {"migrate", "watch", "ingest", "detect", "map"}
SECRET_NAME = re.compile(r"PASS(WORD)?\b|PASS(WORD)?_|_PASS$|SECRET|TOKEN", re.IGNORECASE)
# ${NAME}, ${NAME:-default}, ${NAME:?error}; $${...} is an escaped literal for the container's shell.
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Z0-9_]+)(:?[-?][^}]*)?\}")


def with_defaults(value):
    """The value as compose would interpolate it with an empty compose/.env."""
    return VARIABLE.sub(lambda match: match.group(2)[2:] if (match.group(2) or "").startswith(":-") else "x", value)


def load():
    return yaml.safe_load((HERE / "compose.yaml").read_text())


def strings(node):
    """Every string in a YAML tree, with the key it sits under."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from strings(value)
            else:
                yield str(key), str(value)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                yield from strings(item)
            else:
                yield "", str(item)


def env_example():
    values = {}
    for line in (HERE / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_yaml_parses_with_the_expected_services():
    services = load()["services"]
    assert ROLES | {"rabbitmq", "postgres", "ftp"} <= set(services)


def test_every_role_runs_the_same_image_settings_and_secrets():
    services = load()["services"]
    images = {services[role]["image"] for role in ROLES}
    env_files = {str(services[role]["env_file"]) for role in ROLES}
    assert len(images) == 1 and next(iter(images)).startswith("burstwatch:")
    assert env_files == {"burstwatch.env"}
    for role in ROLES:
        assert set(services[role]["secrets"]) == {"amqp_password", "db_password"}, role
        environment = services[role]["environment"]
        assert environment["BURSTWATCH_AMQP_PASSWORD_FILE"] == "/run/secrets/amqp_password"
        assert environment["BURSTWATCH_DATABASE_PASSWORD_FILE"] == "/run/secrets/db_password"
    # Exactly one service builds the image; the rest never pull a same-named stranger.
    builders = [name for name, service in services.items() if "build" in service]
    assert builders == ["migrate"]
    assert services["migrate"]["build"]["dockerfile"] == "compose/Dockerfile"
    assert all(services[role]["pull_policy"] == "never" for role in ROLES - {"migrate"})


def test_roles_run_the_right_commands():
    services = load()["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["watch"]["command"][:3] == ["watch", "--dir", "/srv/upload"]
    assert services["ingest"]["command"][0] == "ingest"
    assert services["detect"]["command"] == ["detect"]
    assert services["map"]["command"] == ["map", "--host", "0.0.0.0", "--port", "8090"]
    for role in ROLES - {"migrate"}:
        assert services[role]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", role


def test_roles_serve_metrics_beyond_their_container():
    settings = dict(line.split("=", 1) for line in (HERE / "burstwatch.env").read_text().splitlines()
                    if line and not line.startswith("#"))
    assert int(settings["BURSTWATCH_HTTP_PORT"]) > 0
    assert settings["BURSTWATCH_HTTP_HOST"] == "0.0.0.0"


def test_long_running_services_have_health_checks():
    services = load()["services"]
    for name, service in services.items():
        if name == "migrate":
            continue
        check = service.get("healthcheck", {})
        assert not check.get("disable"), name
        assert check.get("test"), f"{name} has no health check"


def test_watch_and_ftp_share_the_upload_volume_and_volumes_are_named():
    config = load()
    services = config["services"]

    def mounts(service):
        return {volume.split(":")[0]: volume.split(":")[1] for volume in services[service].get("volumes", [])}

    assert "upload" in mounts("watch") and "upload" in mounts("ftp")
    assert mounts("watch")["upload"] == "/srv/upload"
    assert services["ftp"]["environment"]["FTP_USER_HOME"] == mounts("ftp")["upload"]
    used = {source for name in services for source in mounts(name)}
    assert used <= set(config["volumes"]), "every volume is a named volume"
    assert {"postgres-data", "rabbitmq-data"} <= used


def test_ingest_can_scale():
    ingest = load()["services"]["ingest"]
    assert "container_name" not in ingest
    assert "ports" not in ingest


def test_no_secret_literal_anywhere():
    config = load()
    for key, value in strings(config):
        if SECRET_NAME.search(key) and not key.endswith("_FILE"):
            assert VARIABLE.fullmatch(value), f"{key} must come from compose/.env, not a literal"
        # No credentials inside a URL.
        assert not re.search(r"://[^/@\s]*:[^/@\s]*@", with_defaults(value)), value
    # Commands never carry a password.
    for name, service in config["services"].items():
        assert not any(SECRET_NAME.search(str(arg)) for arg in service.get("command", [])), name
    settings = (HERE / "burstwatch.env").read_text()
    assert not SECRET_NAME.search(re.sub(r"(?m)^#.*$", "", settings))
    assert ".env" in (HERE / ".gitignore").read_text().split()


def test_env_example_defines_every_required_variable():
    text = (HERE / "compose.yaml").read_text()
    example = env_example()
    for name, modifier in VARIABLE.findall(text):
        if modifier.startswith(":?") or not modifier:
            assert name in example, f"{name} is required by compose.yaml but missing from .env.example"
    for secret in load()["secrets"].values():
        assert secret["environment"] in example
    assert all("change-me" in value for key, value in example.items() if SECRET_NAME.search(key))


def test_dockerfile_is_multi_stage_with_the_right_libraries():
    text = (HERE / "Dockerfile").read_text()
    stages = re.findall(r"(?m)^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text)
    assert len(stages) == 2
    build, runtime = text.split("\nFROM ${RUNTIME_IMAGE}")
    assert "ARG SWIFT_IMAGE=swift:6." in text
    assert "librabbitmq-dev" in build and "libpq-dev" in build
    assert "librabbitmq4" in runtime and "libpq5" in runtime
    assert "-dev" not in runtime
    assert "--product burstwatch" in build
    assert "USER burstwatch" in runtime
    assert 'ENTRYPOINT ["burstwatch"]' in runtime


def test_build_context_has_what_swiftpm_needs_and_no_secrets():
    text = (HERE / "Dockerfile").read_text()
    # SwiftPM rejects the manifest when a declared target's folder is missing.
    for folder in ("Package.swift", "Sources", "Tests"):
        assert re.search(rf"(?m)^COPY {folder}\b", text), folder
    lines = (HERE.parent / ".dockerignore").read_text().splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert "compose/.env" in ignored and ".build/" in ignored
    assert not any(entry.strip("/") in ("Sources", "Tests") for entry in ignored)
