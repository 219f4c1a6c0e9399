"""deploy/: the Dockerfile, compose file, Kubernetes manifests and env.example hang together.

No container engine or cluster runs in CI, so these tests check structure: every file parses, every file a
manifest copies or mounts exists, every variable it sets is one the service reads, and the ports, probes,
names and user ids agree across the files.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import opentelemetry.environment_variables as otel_api_env
import opentelemetry.sdk.environment_variables as otel_sdk_env
import pytest
import yaml

from service import telemetry
from service.api.observability import DriftSettings
from service.api.ops import READY_TIMEOUT_S
from service.audit.run import AuditSettings
from service.metrics import PRICES_ENV
from service.policy.pattern_cache import CACHE_DIR_ENV
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"


def _settings_env(model: type[Any], prefix: str) -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        if choices:
            names.update(str(c) for c in choices)
        else:
            names.add(f"{prefix}{name}".upper())
    return names


SERVICE_ENV = _settings_env(Settings, "OVERSIGHT_")
DRIFT_ENV = _settings_env(DriftSettings, "OVERSIGHT_DRIFT_")
AUDIT_ENV = _settings_env(AuditSettings, "OVERSIGHT_AUDIT_")
OTEL_ENV = {n for mod in (otel_api_env, otel_sdk_env) for n in dir(mod) if n.startswith("OTEL_")} | {
    telemetry.CAPTURE_CONTENT_ENV
}
VENDOR_ENV = {"ANTHROPIC_OPEN_TELEMETRY"}
KNOWN_ENV = SERVICE_ENV | DRIFT_ENV | AUDIT_ENV | OTEL_ENV | VENDOR_ENV | {PRICES_ENV, CACHE_DIR_ENV}


def unknown(names: set[str]) -> set[str]:
    return {n for n in names if n not in KNOWN_ENV}


# -- Dockerfile ---------------------------------------------------------------------------------------------
def dockerfile() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            instructions.append((word.upper(), rest.strip()))
    return instructions


def final_stage() -> list[tuple[str, str]]:
    ins = dockerfile()
    last_from = max(i for i, (w, _) in enumerate(ins) if w == "FROM")
    return ins[last_from:]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in final_stage():
        if word == "ENV":
            for token in shlex.split(rest):
                key, _, value = token.partition("=")
                env[key] = value
    return env


EXPOSED = int(next(rest for word, rest in final_stage() if word == "EXPOSE"))


def test_dockerfile_copies_files_that_exist() -> None:
    for word, rest in dockerfile():
        if word == "COPY" and "--from" not in rest:
            *sources, _dest = [t for t in shlex.split(rest) if not t.startswith("--")]
            for src in sources:
                assert (ROOT / src).exists(), f"Dockerfile copies {src}, which is not in the repository"


def test_container_runs_as_a_non_root_user_with_a_health_check_on_the_served_port() -> None:
    stage = final_stage()
    user = next(rest for word, rest in stage if word == "USER")
    assert user.split(":")[0] not in ("root", "0")
    health = next(rest for word, rest in stage if word == "HEALTHCHECK")
    assert f"127.0.0.1:{EXPOSED}/healthz" in health
    cmd = next(rest for word, rest in stage if word == "CMD")
    assert '"oversight", "serve"' in cmd and f'"{EXPOSED}"' in cmd
    assert 'oversight = "service.cli:app"' in (ROOT / "pyproject.toml").read_text()  # the console script exists
    env = dockerfile_env()
    assert int(env["OVERSIGHT_PORT"]) == EXPOSED
    assert unknown(set(env) - {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"}) == set()


# -- compose ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    return data


def test_compose_publishes_every_port_on_the_hosts_loopback_only(compose: dict[str, Any]) -> None:
    # The service runs in open mode (no key yet, OVERSIGHT_OPEN_MODE_REMOTE) and Grafana with admin/admin: published
    # on every interface ("8000:8000"), anyone on the network was the admin from the first `up`.
    published = [(name, p) for name, svc in compose["services"].items() for p in svc.get("ports", [])]
    assert published
    assert [(n, p) for n, p in published if not str(p).startswith("127.0.0.1:")] == []


def test_compose_builds_the_dockerfile_and_wires_postgres_and_jaeger(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"oversight", "postgres", "jaeger"} <= set(services)
    app = services["oversight"]
    context = (DEPLOY / app["build"]["context"]).resolve()
    assert (context / app["build"]["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()
    assert f"127.0.0.1:8000:{EXPOSED}" in app["ports"]

    env = app["environment"]
    assert unknown(set(env)) == set()
    db = urlsplit(env["OVERSIGHT_DATABASE_URL"])
    pg = services["postgres"]["environment"]
    assert (db.hostname, db.username, db.password, db.path.lstrip("/")) == (
        "postgres",
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
        pg["POSTGRES_DB"],
    )
    assert app["depends_on"]["postgres"]["condition"] == "service_healthy"

    jaeger_ports = {p.split(":")[-1] for p in services["jaeger"]["ports"]}
    assert {"4317", "4318", "16686"} <= {re.sub(r"\D.*", "", p) for p in jaeger_ports}
    otlp = urlsplit(env["OTEL_EXPORTER_OTLP_ENDPOINT"])
    assert otlp.hostname == "jaeger" and otlp.port == (4317 if env["OTEL_EXPORTER_OTLP_PROTOCOL"] == "grpc" else 4318)
    assert env["OTEL_METRICS_EXPORTER"] == "none"  # Jaeger takes traces only


# -- Kubernetes ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kustomization() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return data


@pytest.fixture(scope="module")
def manifests(kustomization: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for resource in kustomization["resources"]:
        path = K8S / resource
        assert path.is_file(), f"kustomization lists {resource}, which does not exist"
        for doc in yaml.safe_load_all(path.read_text()):
            assert doc["apiVersion"] and doc["metadata"]["name"]
            out[(doc["kind"], doc["metadata"]["name"])] = doc
    return out


def generated(kustomization: dict[str, Any]) -> dict[str, dict[str, Path]]:
    out: dict[str, dict[str, Path]] = {}
    for gen in kustomization["configMapGenerator"]:
        files = {}
        for item in gen["files"]:
            key, _, rel = item.partition("=")
            files[key] = (K8S / rel).resolve()
        out[gen["name"]] = files
    return out


def test_policy_and_prompt_configmaps_are_built_from_every_shipped_file(kustomization: dict[str, Any]) -> None:
    gens = generated(kustomization)
    for name, files in gens.items():
        for key, path in files.items():
            assert path.is_file(), f"{name}: {key} comes from {path}, which does not exist"
    assert set(gens["oversight-policies"].values()) == set((ROOT / "policies").glob("*.yaml"))
    for task in ("review", "rewrite"):
        assert set(gens[f"oversight-prompts-{task}"].values()) == set((ROOT / "prompts" / task).glob("*.md"))


def _container(manifests: dict[tuple[str, str], dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    deployment = manifests[("Deployment", "oversight")]
    pod = deployment["spec"]["template"]["spec"]
    return pod, pod["containers"][0]


def test_a_pod_keeps_serving_until_it_is_out_of_the_endpoints(manifests: dict[tuple[str, str], dict[str, Any]]) -> None:
    # uvicorn stops accepting at SIGTERM; without a pause first, a rolling update refuses connections that the
    # endpoints still send to the old pod.
    pod = manifests[("Deployment", "oversight")]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert 0 < pause < pod["terminationGracePeriodSeconds"] - 10  # and time left to finish reviews in flight
    probe = container["readinessProbe"]
    assert probe["timeoutSeconds"] > READY_TIMEOUT_S  # /readyz answers 503 before the probe gives up


def test_deployment_runs_three_probed_replicas_of_the_image(manifests: dict[tuple[str, str], dict[str, Any]]) -> None:
    deployment = manifests[("Deployment", "oversight")]
    assert deployment["spec"]["replicas"] == 3
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    pod, container = _container(manifests)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["http"] == EXPOSED
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["startupProbe"]["httpGet"]["port"] in ports
    uid = next(rest for word, rest in final_stage() if word == "USER").split(":")[0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert str(pod["securityContext"]["runAsUser"]) == uid
    assert container["command"][:2] == ["oversight", "serve"] and str(EXPOSED) in container["command"]
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(EXPOSED) and annotations["prometheus.io/path"] == "/metrics"


def test_service_targets_the_containers_named_port(manifests: dict[tuple[str, str], dict[str, Any]]) -> None:
    service = manifests[("Service", "oversight")]
    _, container = _container(manifests)
    pod_labels = manifests[("Deployment", "oversight")]["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    names = {p["name"] for p in container["ports"]}
    assert all(p["targetPort"] in names for p in service["spec"]["ports"])


def test_config_secret_and_volumes_exist_and_set_only_known_variables(
    manifests: dict[tuple[str, str], dict[str, Any]], kustomization: dict[str, Any]
) -> None:
    pod, container = _container(manifests)
    configmaps = {name for kind, name in manifests if kind == "ConfigMap"} | set(generated(kustomization))
    secrets = {name for kind, name in manifests if kind == "Secret"}
    env_keys: set[str] = set()
    for source in container["envFrom"]:
        if "configMapRef" in source:
            name = source["configMapRef"]["name"]
            assert name in configmaps
            env_keys |= set(manifests[("ConfigMap", name)]["data"])
        else:
            name = source["secretRef"]["name"]
            assert name in secrets
            env_keys |= set(manifests[("Secret", name)]["stringData"])
    env_keys |= {e["name"] for e in container.get("env", []) if "valueFrom" not in e}
    assert unknown(env_keys) == set()

    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    for v in volumes.values():
        if "configMap" in v:
            assert v["configMap"]["name"] in configmaps
    config = manifests[("ConfigMap", "oversight-config")]["data"]
    assert volumes[mounts[config["OVERSIGHT_POLICY_DIR"]]]["configMap"]["name"] == "oversight-policies"
    for task in ("review", "rewrite"):
        volume = volumes[mounts[f"{config['OVERSIGHT_PROMPT_DIR']}/{task}"]]
        assert volume["configMap"]["name"] == f"oversight-prompts-{task}"
    assert config["OVERSIGHT_DATA_DIR"] in mounts  # writable, under a read-only root filesystem
    assert "OVERSIGHT_DATABASE_URL" in manifests[("Secret", "oversight-secrets")]["stringData"]  # 3 replicas share PG


# -- env.example ----------------------------------------------------------------------------------------------
def test_env_example_lists_every_setting_and_nothing_unknown() -> None:
    text = (DEPLOY / "env.example").read_text()
    mentioned = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert unknown(mentioned) == set()
    primary = {
        n
        for n in SERVICE_ENV
        if not (
            n.startswith("OVERSIGHT_")
            and n.removeprefix("OVERSIGHT_")
            in {"ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"}
        )
    }
    assert primary - mentioned == set(), "settings missing from deploy/env.example"
    assert DRIFT_ENV - mentioned == set()
    assert AUDIT_ENV - mentioned == set(), "the API's audit workers' settings are missing"


def test_every_commented_out_setting_can_be_uncommented_as_it_is() -> None:
    # "# OVERSIGHT_AUDIT_SEED=   (tests: …)" uncommented put the note into the value (and broke `. ./oversight.env`).
    for line in (DEPLOY / "env.example").read_text().splitlines():
        m = re.match(r"^#\s*([A-Z][A-Z0-9_]+)=(.*)$", line)
        if m is None:
            continue
        value = m.group(2)
        assert value == value.strip() and not re.search(r"\s[#(]|\s{2}", value), f"{m.group(1)}: {value!r}"


def test_env_example_loads_as_it_is_into_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copied and loaded as an environment file (shell, compose, systemd, kubectl), every value is what it says:
    no trailing comment becomes part of a value, and the defaults it lists pass the settings' own checks."""
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", name), line
        assert "#" not in value and value == value.strip(), f"{name}: {value!r} would be read with the comment"
        monkeypatch.setenv(name, value)
    Settings()
    DriftSettings()
    AuditSettings()
