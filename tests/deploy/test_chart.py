"""The Helm chart helm/inspectnet, tested offline with no helm binary and no cluster.

- lint and render with several value sets through the Helm v4 Go SDK (helm-python-sdk);
- every rendered object validated against the Kubernetes 1.30 and the newest bundled schemas
  (kubernetes-validate, strict: unknown fields are errors);
- every rendered object scanned by checkov's kubernetes framework in one run: no failed check,
  and each skipped check carries a reason in a `checkov.io/skipN` annotation;
- values.schema.json refuses bad values files; the templates refuse inconsistent ones;
- what the app needs is wired: probes, ports, env, policy mount, migrations hook, shutdown.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.deploy.conftest import (
    CANARY,
    CHART_DIR,
    KEY_PURPOSES,
    KEYRING_FILES,
    KUBE_VERSIONS,
    METRICS_TOKEN,
    NAMESPACE,
    RELEASE,
    REPO,
    REQUIRED,
    VALUE_SETS,
    Rendered,
    checkov_executable,
    deep_merge,
    require_tool,
    values_for,
)

SERVER_SELECTOR = {
    "app.kubernetes.io/name": "inspectnet",
    "app.kubernetes.io/instance": RELEASE,
    "app.kubernetes.io/component": "server",
}
# `inspectnet serve` runs uvicorn with timeout_graceful_shutdown=30.
UVICORN_DRAIN_SECONDS = 30
# checkov exceptions the chart is allowed to declare; each needs a reason in its annotation.
ALLOWED_CHECKOV_SKIPS = {"CKV_K8S_35", "CKV_K8S_43"}


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def server_container(result: Rendered) -> dict[str, Any]:
    deployment = result.one("Deployment", RELEASE)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def migrate_job(result: Rendered) -> dict[str, Any]:
    return result.one("Job", f"{RELEASE}-migrate")


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


# --- lint and render ---------------------------------------------------------------------------


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_lint_is_clean(helm: ModuleType, value_set: str) -> None:
    report = helm.lint(
        str(CHART_DIR),
        values_for(value_set),
        strict=True,
        namespace=NAMESPACE,
        kube_version="v1.30.0",
    )
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert not problems and not report["errors"], problems or report["errors"]


def test_lint_with_bare_defaults_is_clean(helm: ModuleType) -> None:
    """`helm lint helm/inspectnet` with no values at all (lint tolerates `required`)."""
    report = helm.lint(str(CHART_DIR), strict=True, kube_version="v1.30.0")
    assert not [m for m in report["messages"] if m["severity"] >= 2], report["messages"]


def test_chart_metadata(chart: Any) -> None:
    meta = chart.metadata
    assert meta["apiVersion"] == "v2"
    assert meta["name"] == "inspectnet"
    assert meta["kubeVersion"] == ">=1.30.0-0"
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["appVersion"] == project["version"], "Chart.yaml appVersion != pyproject version"
    assert chart.dependencies == [], "the chart must render offline: no remote dependencies"


def test_every_value_set_renders_expected_kinds(rendered: dict[str, Rendered]) -> None:
    kinds = {name: sorted({o["kind"] for o in r.objects}) for name, r in rendered.items()}
    base = {
        "ConfigMap",
        "Deployment",
        "Job",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Secret",
        "Service",
        "ServiceAccount",
    }
    assert base <= set(kinds["defaults"])
    assert "Ingress" not in kinds["defaults"] and "HorizontalPodAutoscaler" not in kinds["defaults"]
    assert "Ingress" in kinds["ingress"]
    assert "HorizontalPodAutoscaler" in kinds["hpa"]
    assert "StatefulSet" in kinds["trial-postgresql"]
    assert "StatefulSet" not in kinds["defaults"]
    assert "ServiceMonitor" in kinds["service-monitor"]
    assert "ServiceMonitor" not in kinds["defaults"]


def test_every_object_is_namespaced_and_labelled(rendered: dict[str, Rendered]) -> None:
    for name, result in rendered.items():
        for obj in result.objects:
            meta = obj["metadata"]
            where = f"{name}: {obj['kind']}/{meta['name']}"
            assert meta.get("namespace") == NAMESPACE, where
            assert meta["labels"]["app.kubernetes.io/instance"] == RELEASE, where
            assert meta["labels"]["app.kubernetes.io/managed-by"] == "Helm", where
            assert len(meta["name"]) <= 63, where


def test_names_are_unique_per_kind(rendered: dict[str, Rendered]) -> None:
    for name, result in rendered.items():
        keys = [(o["kind"], o["metadata"]["name"]) for o in result.objects]
        assert len(keys) == len(set(keys)), f"{name}: duplicate objects {keys}"


def test_bare_defaults_refuse_to_render_without_a_database(chart: Any, helm: ModuleType) -> None:
    with pytest.raises(helm.HelmError, match=r"secrets\.databaseUrl is required"):
        chart.render(name=RELEASE, namespace=NAMESPACE)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"secrets": {"jwtSecret": ""}}, r"secrets\.jwtSecret must be at least 32"),
        (
            {"config": {"jwt": {"algorithm": "RS256", "jwksUrl": ""}}},
            r"config\.jwt\.jwksUrl is required when config\.jwt\.algorithm is RS256",
        ),
        (
            {
                "secrets": {"existingSecret": "s", "databaseUrl": ""},
                "postgresql": {
                    "enabled": True,
                    "auth": {"password": "long-enough-password", "appPassword": "long-enough-too"},
                },
            },
            r"mutually exclusive",
        ),
        (
            {"secrets": {"databaseUrl": ""}, "postgresql": {"enabled": True}},
            r"/postgresql/auth/password",  # the schema catches it before the template does
        ),
        (
            {
                "secrets": {"databaseUrl": ""},
                "postgresql": {"enabled": True, "auth": {"password": "long-enough-password"}},
            },
            r"/postgresql/auth/appPassword",  # the application's role needs its own
        ),
        ({"serviceAccount": {"create": False, "name": ""}}, r"serviceAccount\.name is required"),
        (
            {"keyring": {"files": {"links": ""}}},
            r"keyring\.files\.links is required unless keyring\.existingSecret is set",
        ),
        (
            {"metrics": {"serviceMonitor": {"enabled": True}}},
            r"metrics\.serviceMonitor\.enabled needs secrets\.metricsToken",
        ),
    ],
    ids=[
        "hs256-without-secret",
        "rs256-without-jwks",
        "trial-db-and-existing-secret",
        "trial-db-without-password",
        "trial-db-without-app-password",
        "no-serviceaccount-name",
        "keyring-missing-a-purpose",
        "service-monitor-without-token",
    ],
)
def test_inconsistent_values_fail_to_render(
    chart: Any, helm: ModuleType, override: dict[str, Any], message: str
) -> None:
    with pytest.raises(helm.HelmError, match=message):
        chart.render(deep_merge(REQUIRED, override), name=RELEASE, namespace=NAMESPACE)


# --- values.schema.json ------------------------------------------------------------------------

BAD_VALUES_FILES = {
    "replicas-as-text": "replicaCount: two\n",
    "unknown-key": "replicas: 3\n",
    "latest-tag": "image:\n  tag: latest\n",
    "bad-digest": "image:\n  digest: sha256:1234\n",
    "writable-root-fs": "securityContext:\n  readOnlyRootFilesystem: false\n",
    "privilege-escalation": "securityContext:\n  allowPrivilegeEscalation: true\n",
    "run-as-root": "podSecurityContext:\n  runAsNonRoot: false\n",
    "added-capability": (
        "securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_ADMIN]\n"
    ),
    "sqlite-in-cluster": "secrets:\n  databaseUrl: sqlite+aiosqlite:///./var/inspectnet.db\n",
    "short-jwt-secret": "secrets:\n  jwtSecret: tooshort\n",
    "unknown-jwt-algorithm": "config:\n  jwt:\n    algorithm: none\n",
    "bad-log-level": "config:\n  logLevel: LOUD\n",
    "zero-workers": "server:\n  workers: 0\n",
    "privileged-port": "server:\n  port: 80\n",
    "no-resource-limits": "resources:\n  requests: {cpu: 100m, memory: 128Mi}\n  limits: null\n",
    "bad-quantity": "resources:\n  limits:\n    cpu: one\n    memory: 1Gi\n",
    "hpa-single-replica": "autoscaling:\n  enabled: true\n  minReplicas: 1\n",
    "bad-pdb": "podDisruptionBudget:\n  maxUnavailable: half\n",
    "anti-affinity-typo": "podAntiAffinity: strict\n",
    "env-overrides-secret": "extraEnv:\n  - name: INSPECTNET_DATABASE_URL\n    value: x\n",
    "ingress-path-relative": "ingress:\n  paths: [graphql]\n",
    "bad-existing-secret-name": "secrets:\n  existingSecret: Not_A_Name\n",
    "service-type": "service:\n  type: ExternalName\n",
    "keyring-not-versioned": "keyring:\n  files:\n    audit: c2VjcmV0\n",
    "keyring-unknown-purpose": "keyring:\n  files:\n    jwt: '1:c2VjcmV0'\n",
    "short-metrics-token": "secrets:\n  metricsToken: short\n",
    "cors-wildcard": "config:\n  corsOrigins: ['*']\n",
    "cors-with-path": "config:\n  corsOrigins: ['https://x.org/app']\n",
    "metrics-pod-annotations": "metrics:\n  podAnnotations: true\n",
    "trial-password-not-url-safe": (
        "postgresql:\n  enabled: true\n  auth:\n    password: 'p@ss word/with:specials'\n"
    ),
}


@pytest.mark.parametrize("document", BAD_VALUES_FILES.values(), ids=list(BAD_VALUES_FILES))
def test_schema_refuses_bad_values_file(
    chart: Any, helm: ModuleType, tmp_path: Path, document: str
) -> None:
    bad_file = tmp_path / "bad-values.yaml"
    bad_file.write_text(document, encoding="utf-8")
    values = deep_merge(REQUIRED, helm.values_from_yaml(bad_file.read_text(encoding="utf-8")))
    with pytest.raises(helm.HelmValuesError):
        chart.validate_schema(values)
    # ... and `helm install/template -f bad-values.yaml` stops before rendering anything.
    with pytest.raises(helm.HelmValuesError, match="schema"):
        chart.render(values, name=RELEASE, namespace=NAMESPACE)


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_schema_accepts_every_value_set(chart: Any, value_set: str) -> None:
    chart.validate_schema(values_for(value_set))


def test_schema_error_names_the_key(chart: Any, helm: ModuleType) -> None:
    with pytest.raises(helm.HelmValuesError, match=r"/server/workers"):
        chart.validate_schema(deep_merge(REQUIRED, {"server": {"workers": "many"}}))


def test_values_yaml_documents_every_top_level_key(yaml_mod: ModuleType) -> None:
    text = (CHART_DIR / "values.yaml").read_text(encoding="utf-8")
    values = yaml_mod.safe_load(text)
    schema = json.loads((CHART_DIR / "values.schema.json").read_text(encoding="utf-8"))
    assert set(values) <= set(schema["properties"]), set(values) - set(schema["properties"])
    lines = text.splitlines()
    for key in values:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        before = lines[index - 1].strip() if index else ""
        after = lines[index + 1].strip() if index + 1 < len(lines) else ""
        assert before.startswith("#") or after.startswith("#"), f"{key} has no comment"


# --- Kubernetes schemas --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def kubernetes_validate() -> ModuleType:
    try:
        import kubernetes_validate
    except ImportError:
        require_tool("kubernetes-validate", "pip install -r tools/requirements-deploy.txt")
    return kubernetes_validate


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_objects_match_kubernetes_schemas(
    rendered: dict[str, Rendered], kubernetes_validate: ModuleType, value_set: str
) -> None:
    latest = kubernetes_validate.latest_version()
    errors = []
    for obj in rendered[value_set].manifests():
        if obj["apiVersion"] == "monitoring.coreos.com/v1":
            continue  # a CRD of the Prometheus Operator: test_service_monitor_scrapes_with_the_token
        for version in KUBE_VERSIONS:
            wanted = latest if version == "latest" else version
            try:
                kubernetes_validate.validate(obj, wanted, strict=True)
            except kubernetes_validate.ValidationError as error:
                path = ".".join(str(p) for p in error.path)
                errors.append(
                    f"{obj['kind']}/{obj['metadata']['name']} @{wanted}: {path}: {error.message}"
                )
            except kubernetes_validate.SchemaNotFoundError as error:
                errors.append(error.message)
    assert not errors, "\n".join(errors)


# --- checkov -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def checkov_report(manifest_dir: Path) -> dict[str, Any]:
    """One checkov run over all value sets' manifests (checkov takes seconds to start)."""
    executable = checkov_executable()
    if executable is None:
        require_tool(
            "checkov",
            "python3 -m venv .venv-checkov && .venv-checkov/bin/pip install "
            "-r tools/requirements-checkov.txt (or set CHECKOV_BIN)",
        )
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "LOG_LEVEL": "WARNING"}
    env.pop("BC_API_KEY", None)
    completed = subprocess.run(
        [
            executable,
            "--directory",
            str(manifest_dir),
            "--framework",
            "kubernetes",
            "--skip-download",
            "--output",
            "json",
            "--compact",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr[-4000:]
    report = json.loads(completed.stdout)
    if isinstance(report, list):  # one entry per framework; we ask for one
        (report,) = report
    assert report["check_type"] == "kubernetes"
    return report


def value_set_of(check: dict[str, Any]) -> str:
    return Path(check["file_path"]).parts[1]


def test_checkov_finds_no_failed_checks(checkov_report: dict[str, Any]) -> None:
    failed = [
        f"{c['check_id']} {c['check_name']}: {c['resource']} ({c['file_path']})"
        for c in checkov_report["results"]["failed_checks"]
        if value_set_of(c) != CANARY
    ]
    assert not failed, "\n".join(failed)
    assert checkov_report["summary"]["parsing_errors"] == 0


def test_checkov_really_checks(checkov_report: dict[str, Any]) -> None:
    """The careless canary Deployment, scanned in the same run, fails the usual checks."""
    failed = {
        c["check_id"]
        for c in checkov_report["results"]["failed_checks"]
        if value_set_of(c) == CANARY
    }
    expected = {
        "CKV_K8S_8",
        "CKV_K8S_9",
        "CKV_K8S_14",
        "CKV_K8S_22",
        "CKV_K8S_23",
        "CKV_K8S_37",
        "CKV_K8S_38",
        "CKV_K8S_40",
        "CKV2_K8S_6",
    }
    assert expected <= failed, expected - failed


def test_checkov_scanned_every_value_set(
    checkov_report: dict[str, Any], rendered: dict[str, Rendered]
) -> None:
    results = checkov_report["results"]
    passed = [c for c in results["passed_checks"] if value_set_of(c) != CANARY]
    seen = {value_set_of(c) for c in passed + results["skipped_checks"]}
    assert seen == set(rendered), seen ^ set(rendered)
    assert len(passed) > 150 * len(rendered)


def test_checkov_skips_are_few_and_justified(checkov_report: dict[str, Any]) -> None:
    skipped = checkov_report["results"]["skipped_checks"]
    for check in skipped:
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        assert check["check_id"] in ALLOWED_CHECKOV_SKIPS, check["check_id"]
        assert len(reason) > 30, f"{check['check_id']} on {check['resource']}: no reason"
    # With image.digest set the digest exception disappears.
    digest_set = [
        c for c in skipped if c["check_id"] == "CKV_K8S_43" and "/rs256-digest/" in c["file_path"]
    ]
    assert not digest_set


def test_skip_annotations_name_allowed_checks_with_reasons(rendered: dict[str, Rendered]) -> None:
    """The exceptions live on the workloads themselves, each `CHECK_ID=reason`."""
    for name, result in rendered.items():
        for kind in ("Deployment", "Job"):
            for obj in result.of_kind(kind):
                annotations = obj["metadata"].get("annotations", {})
                skips = {k: v for k, v in annotations.items() if k.startswith("checkov.io/skip")}
                for value in skips.values():
                    check_id, _, reason = value.partition("=")
                    assert check_id in ALLOWED_CHECKOV_SKIPS and reason, f"{name}: {value}"


# --- what the app needs --------------------------------------------------------------------------


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_server_container_contract(rendered: dict[str, Rendered], value_set: str) -> None:
    result = rendered[value_set]
    deployment = result.one("Deployment", RELEASE)
    pod = deployment["spec"]["template"]["spec"]
    container = server_container(result)

    assert container["args"][:5] == ["serve", "--host", "0.0.0.0", "--port", "8000"]
    assert container["args"][5:] == ["--workers", "2"]
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    for key in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][key])

    # Graceful shutdown: leave the endpoints first, then SIGTERM; uvicorn then drains for up to
    # UVICORN_DRAIN_SECONDS (timeout_graceful_shutdown in `inspectnet serve`), all within the grace.
    sleep = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert sleep > 0
    assert pod["terminationGracePeriodSeconds"] >= sleep + UVICORN_DRAIN_SECONDS + 5

    # Hardening.
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["runAsNonRoot"] is True
    assert security["capabilities"]["drop"] == ["ALL"]
    assert pod["securityContext"]["runAsUser"] >= 10000
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]["name"]]

    # /metrics needs a token, which prometheus.io/* annotations cannot carry: none are set.
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert not [key for key in annotations if key.startswith("prometheus.io/")]


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_configuration_reaches_the_app(rendered: dict[str, Rendered], value_set: str) -> None:
    result = rendered[value_set]
    values = values_for(value_set)
    env = env_of(server_container(result))
    secret_name = values["secrets"].get("existingSecret") or f"{RELEASE}-secrets"

    assert env["INSPECTNET_DEVELOPMENT"]["value"] == "false"
    assert env["INSPECTNET_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": secret_name,
        "key": "database-url",
    }
    algorithm = values.get("config", {}).get("jwt", {}).get("algorithm", "HS256")
    assert env["INSPECTNET_JWT_ALGORITHM"]["value"] == algorithm
    if algorithm == "HS256":
        assert env["INSPECTNET_JWT_SECRET"]["valueFrom"]["secretKeyRef"] == {
            "name": secret_name,
            "key": "jwt-secret",
        }
    else:
        assert "INSPECTNET_JWT_SECRET" not in env
        assert env["INSPECTNET_JWT_JWKS_URL"]["value"].startswith("https://")
    for name in (
        "INSPECTNET_JWT_ISSUER",
        "INSPECTNET_JWT_AUDIENCE",
        "INSPECTNET_LOG_LEVEL",
        "INSPECTNET_DB_POOL_SIZE",
        "INSPECTNET_DB_MAX_OVERFLOW",
        "INSPECTNET_DB_POOL_TIMEOUT",
    ):
        assert isinstance(env[name]["value"], str), name
    # No secret value is ever inlined in a pod spec.
    for item in env.values():
        if item["name"] in ("INSPECTNET_DATABASE_URL", "INSPECTNET_JWT_SECRET"):
            assert "value" not in item

    # The policy ConfigMap is mounted where INSPECTNET_POLICY_DIR points.
    policy_dir = env["INSPECTNET_POLICY_DIR"]["value"]
    pod = result.one("Deployment", RELEASE)["spec"]["template"]["spec"]
    (mount,) = [m for m in server_container(result)["volumeMounts"] if m["mountPath"] == policy_dir]
    assert mount["readOnly"] is True
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    expected_cm = values.get("policy", {}).get("existingConfigMap") or f"{RELEASE}-policy"
    assert volume["configMap"]["name"] == expected_cm
    assert {i["path"] for i in volume["configMap"]["items"]} == {"model.conf", "base.csv"}

    # The keyring: a Secret's four files, projected read-only where INSPECTNET_KEYS_DIR points.
    keys_dir = env["INSPECTNET_KEYS_DIR"]["value"]
    (mount,) = [m for m in server_container(result)["volumeMounts"] if m["mountPath"] == keys_dir]
    assert mount["readOnly"] is True and "subPath" not in mount
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    assert volume["projected"]["defaultMode"] == 0o440
    (source,) = volume["projected"]["sources"]
    keyring_secret = values["keyring"].get("existingSecret") or f"{RELEASE}-keyring"
    assert source["secret"]["name"] == keyring_secret
    assert source["secret"]["items"] == [{"key": p, "path": p} for p in KEY_PURPOSES]

    # The metrics token, when the Secret holds one; /metrics is not served without it.
    assert env["INSPECTNET_METRICS_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": secret_name,
        "key": "metrics-token",
        "optional": True,
    }
    cors = values.get("config", {}).get("corsOrigins", [])
    if cors:
        assert env["INSPECTNET_CORS_ORIGINS"]["value"] == ",".join(cors)
    else:
        assert "INSPECTNET_CORS_ORIGINS" not in env
    # The migration Job holds no key: it needs none.
    job_env = env_of(migrate_job(result)["spec"]["template"]["spec"]["containers"][0])
    assert not {"INSPECTNET_KEYS_DIR", "INSPECTNET_METRICS_TOKEN"} & set(job_env)


def test_chart_secret_holds_the_database_url(rendered: dict[str, Rendered]) -> None:
    import base64

    secret = rendered["defaults"].one("Secret", f"{RELEASE}-secrets")
    data = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert data["database-url"] == REQUIRED["secrets"]["databaseUrl"]
    assert data["jwt-secret"] == REQUIRED["secrets"]["jwtSecret"]

    trial = rendered["trial-postgresql"].one("Secret", f"{RELEASE}-secrets")
    trial_data = {k: base64.b64decode(v).decode() for k, v in trial["data"].items()}
    # The server connects as the application's role; the owner's URL is the admin one.
    assert trial_data["database-url"] == (
        f"postgresql+asyncpg://inspectnet_app:trial-app-password-not-secret@"
        f"{RELEASE}-postgresql:5432/inspectnet"
    )
    assert trial_data["database-admin-url"] == (
        f"postgresql+asyncpg://inspectnet:trial-password-not-secret@"
        f"{RELEASE}-postgresql:5432/inspectnet"
    )
    assert trial_data["postgres-app-password"] == "trial-app-password-not-secret"
    assert "database-admin-url" not in data  # none given: everything uses database-url


def test_only_the_owners_pods_get_the_owners_url(rendered: dict[str, Rendered]) -> None:
    """The second wall (docs/deploy.md): the migration Job and the sweeps connect as the
    owner and grant the application's role; the server never sees the owner's URL."""
    result = rendered["two-roles"]
    server = result.one("Deployment", RELEASE)["spec"]["template"]["spec"]["containers"][0]
    assert "INSPECTNET_DATABASE_ADMIN_URL" not in env_of(server)
    job_env = env_of(migrate_job(result)["spec"]["template"]["spec"]["containers"][0])
    assert job_env["INSPECTNET_DATABASE_ADMIN_URL"]["valueFrom"]["secretKeyRef"]["key"] == (
        "database-admin-url"
    )
    assert job_env["INSPECTNET_DATABASE_APP_ROLE"]["value"] == "inspectnet_app"
    trial = rendered["trial-postgresql"]
    script = trial.one("ConfigMap", f"{RELEASE}-postgresql-initdb")["data"]["10-app-role.sh"]
    assert "NOSUPERUSER NOBYPASSRLS" in script
    trial_env = env_of(migrate_job(trial)["spec"]["template"]["spec"]["containers"][0])
    assert trial_env["INSPECTNET_DATABASE_APP_ROLE"]["value"] == "inspectnet_app"


def test_existing_secret_is_referenced_not_created(rendered: dict[str, Rendered]) -> None:
    assert rendered["existing-secret"].of_kind("Secret") == []
    for name in ("existing-secret", "rs256-digest"):
        result = rendered[name]
        names = [s["metadata"]["name"] for s in result.of_kind("Secret")]
        assert f"{RELEASE}-secrets" not in names, f"{name}: the chart must not create it"
        job_env = env_of(migrate_job(result)["spec"]["template"]["spec"]["containers"][0])
        assert job_env["INSPECTNET_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == (
            "inspectnet-prod"
        )
    assert "rollout restart" in rendered["existing-secret"].notes()


def test_secret_changes_roll_the_pods(chart: Any, yaml_mod: ModuleType) -> None:
    def checksum(values: dict[str, Any]) -> str:
        text = chart.render(values, name=RELEASE, namespace=NAMESPACE)[
            "inspectnet/templates/deployment.yaml"
        ]
        deployment = yaml_mod.safe_load(text)
        return deployment["spec"]["template"]["metadata"]["annotations"]["checksum/secrets"]

    rotated = deep_merge(REQUIRED, {"secrets": {"jwtSecret": "a-new-secret-of-at-least-32-chars!"}})
    assert checksum(REQUIRED) != checksum(rotated)


def test_chart_keyring_secret_holds_the_files(rendered: dict[str, Rendered]) -> None:
    import base64

    secret = rendered["defaults"].one("Secret", f"{RELEASE}-keyring")
    data = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert data == KEYRING_FILES
    assert rendered["existing-secret"].of_kind("Secret") == []
    assert 'Secret "inspectnet-keyring"' in rendered["existing-secret"].notes()


def test_a_rotated_keyring_rolls_the_pods(chart: Any, yaml_mod: ModuleType) -> None:
    def checksum(values: dict[str, Any]) -> str:
        text = chart.render(values, name=RELEASE, namespace=NAMESPACE)[
            "inspectnet/templates/deployment.yaml"
        ]
        deployment = yaml_mod.safe_load(text)
        return deployment["spec"]["template"]["metadata"]["annotations"]["checksum/keyring"]

    rotated_audit = KEYRING_FILES["audit"] + "2:" + "QUJD" * 11 + "\n"
    rotated = deep_merge(REQUIRED, {"keyring": {"files": {"audit": rotated_audit}}})
    assert checksum(REQUIRED) != checksum(rotated)


# What the chart relies on in the Prometheus Operator's ServiceMonitor CRD (monitoring.coreos.com/v1),
# strict: kubernetes-validate has no schema for custom resources.
SERVICE_MONITOR_SPEC = {
    "type": "object",
    "additionalProperties": False,
    "required": ["selector", "endpoints"],
    "properties": {
        "selector": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"matchLabels": {"type": "object"}},
        },
        "namespaceSelector": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"matchNames": {"type": "array", "items": {"type": "string"}}},
        },
        "endpoints": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "port": {"type": "string"},
                    "path": {"type": "string"},
                    "interval": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                    "scrapeTimeout": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                    "authorization": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["type", "credentials"],
                        "properties": {
                            "type": {"const": "Bearer"},
                            "credentials": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["name", "key"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "key": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


@pytest.mark.parametrize("value_set", ["service-monitor", "existing-secret"])
def test_service_monitor_scrapes_with_the_token(
    rendered: dict[str, Rendered], value_set: str
) -> None:
    import jsonschema

    result = rendered[value_set]
    monitor = result.one("ServiceMonitor", RELEASE)
    jsonschema.validate(monitor["spec"], SERVICE_MONITOR_SPEC)
    service = result.one("Service", RELEASE)
    assert selects(monitor["spec"]["selector"]["matchLabels"], service["metadata"]["labels"])
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": [NAMESPACE]}
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == service["spec"]["ports"][0]["name"] == "http"
    assert endpoint["path"] == "/metrics"
    secret_name = values_for(value_set)["secrets"].get("existingSecret") or f"{RELEASE}-secrets"
    assert endpoint["authorization"] == {
        "type": "Bearer",
        "credentials": {"name": secret_name, "key": "metrics-token"},
    }
    # The pods read the token from the same place the scraper does.
    env = env_of(server_container(result))
    assert env["INSPECTNET_METRICS_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == secret_name
    if value_set == "service-monitor":
        import base64

        secret = result.one("Secret", secret_name)
        assert base64.b64decode(secret["data"]["metrics-token"]).decode() == METRICS_TOKEN
        assert monitor["metadata"]["labels"]["release"] == "prometheus"


def test_migrations_run_once_as_a_hook_before_the_pods(rendered: dict[str, Rendered]) -> None:
    result = rendered["defaults"]
    job = migrate_job(result)
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    spec = job["spec"]
    pod = spec["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["db", "upgrade"]
    assert pod["restartPolicy"] == "Never"
    assert spec["backoffLimit"] >= 0 and spec["activeDeadlineSeconds"] > 0
    assert container["image"] == server_container(result)["image"]
    assert "parallelism" not in spec and "completions" not in spec

    # What the Job uses must exist before it: hooks of a lower weight, not release objects.
    job_weight = int(annotations["helm.sh/hook-weight"])
    env = env_of(container)
    secret_name = env["INSPECTNET_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"]
    for kind, name in (
        ("Secret", secret_name),
        ("ServiceAccount", pod["serviceAccountName"]),
        ("NetworkPolicy", f"{RELEASE}-migrate"),
    ):
        dependency = result.one(kind, name)
        hook = dependency["metadata"]["annotations"]
        assert hook["helm.sh/hook"] == annotations["helm.sh/hook"], (kind, name)
        assert int(hook["helm.sh/hook-weight"]) < job_weight, (kind, name)

    # The server itself never migrates: its pods wait on /readyz (migrations at head).
    assert "upgrade" not in server_container(result)["args"]


def test_trial_database_migrates_after_install(rendered: dict[str, Rendered]) -> None:
    job = migrate_job(rendered["trial-postgresql"])
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,pre-upgrade"
    statefulset = rendered["trial-postgresql"].one("StatefulSet", f"{RELEASE}-postgresql")
    (container,) = statefulset["spec"]["template"]["spec"]["containers"]
    env = env_of(container)
    assert "POSTGRES_PASSWORD" not in env and env["POSTGRES_PASSWORD_FILE"]["value"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_hpa_owns_the_replica_count(rendered: dict[str, Rendered]) -> None:
    result = rendered["hpa"]
    deployment = result.one("Deployment", RELEASE)
    assert "replicas" not in deployment["spec"]
    hpa = result.one("HorizontalPodAutoscaler", RELEASE)
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": RELEASE,
    }
    assert hpa["spec"]["minReplicas"] >= 2
    assert {m["resource"]["name"] for m in hpa["spec"]["metrics"]} == {"cpu", "memory"}
    assert rendered["defaults"].one("Deployment", RELEASE)["spec"]["replicas"] == 2


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_selectors_match_the_server_pods(rendered: dict[str, Rendered], value_set: str) -> None:
    result = rendered[value_set]
    deployment = result.one("Deployment", RELEASE)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"] == SERVER_SELECTOR
    assert selects(SERVER_SELECTOR, labels)
    service = result.one("Service", RELEASE)
    assert service["spec"]["selector"] == SERVER_SELECTOR
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    pdb = result.one("PodDisruptionBudget", RELEASE)
    assert pdb["spec"]["selector"]["matchLabels"] == SERVER_SELECTOR
    policy = result.one("NetworkPolicy", RELEASE)
    assert policy["spec"]["podSelector"]["matchLabels"] == SERVER_SELECTOR
    # Migration pods are never Service endpoints.
    job_labels = migrate_job(result)["spec"]["template"]["metadata"]["labels"]
    assert not selects(SERVER_SELECTOR, job_labels)
    # Anti-affinity spreads the server pods over nodes.
    affinity = deployment["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
    assert affinity


def test_ingress_exposes_only_the_api(rendered: dict[str, Rendered]) -> None:
    ingress = rendered["ingress"].one("Ingress", RELEASE)
    spec = ingress["spec"]
    assert spec["ingressClassName"] == "nginx"
    assert spec["tls"][0]["hosts"] == ["inspectnet.example.com", "api.inspectnet.example.com"]
    for rule in spec["rules"]:
        paths = rule["http"]["paths"]
        assert [p["path"] for p in paths] == ["/graphql"]
        assert paths[0]["backend"]["service"] == {"name": RELEASE, "port": {"name": "http"}}
    assert not any("snippet" in key for key in ingress["metadata"].get("annotations", {}))


def test_network_policy_in_only_ingress_controller_out_only_postgres_and_dns(
    rendered: dict[str, Rendered],
) -> None:
    spec = rendered["defaults"].one("NetworkPolicy", RELEASE)["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    ingress_peers = [peer for rule in spec["ingress"] for peer in rule["from"]]
    assert ingress_peers[0]["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "ingress-nginx"
    }
    for rule in spec["ingress"]:
        assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
    egress_ports = sorted(
        (p["port"], p["protocol"]) for rule in spec["egress"] for p in rule["ports"]
    )
    assert egress_ports == [(53, "TCP"), (53, "UDP"), (5432, "TCP")]

    narrowed = rendered["rs256-digest"].one("NetworkPolicy", RELEASE)["spec"]
    database_rule = next(r for r in narrowed["egress"] if r["ports"][0]["port"] == 5432)
    assert database_rule["to"] == [{"ipBlock": {"cidr": "10.20.0.5/32"}}]
    assert any(r["ports"] == [{"port": 443, "protocol": "TCP"}] for r in narrowed["egress"])

    trial = rendered["trial-postgresql"]
    trial_rule = next(
        r
        for r in trial.one("NetworkPolicy", RELEASE)["spec"]["egress"]
        if r["ports"][0]["port"] == 5432
    )
    pg_labels = trial.one("StatefulSet", f"{RELEASE}-postgresql")["spec"]["template"]["metadata"][
        "labels"
    ]
    assert selects(trial_rule["to"][0]["podSelector"]["matchLabels"], pg_labels)


def test_every_pod_is_covered_by_a_network_policy(rendered: dict[str, Rendered]) -> None:
    for name, result in rendered.items():
        policies = result.of_kind("NetworkPolicy")
        selectors = [p["spec"]["podSelector"]["matchLabels"] for p in policies]
        for obj in result.objects:
            if obj["kind"] in ("Deployment", "StatefulSet", "Job"):
                labels = obj["spec"]["template"]["metadata"]["labels"]
                assert any(selects(s, labels) for s in selectors), f"{name}: {obj['kind']}"


def test_service_account_token_is_not_mounted(rendered: dict[str, Rendered]) -> None:
    for result in rendered.values():
        for account in result.of_kind("ServiceAccount"):
            assert account["automountServiceAccountToken"] is False


def test_image_reference(rendered: dict[str, Rendered], chart: Any) -> None:
    app_version = chart.metadata["appVersion"]
    assert server_container(rendered["defaults"])["image"] == f"inspectnet:{app_version}"
    assert server_container(rendered["rs256-digest"])["image"] == "inspectnet@sha256:" + "ab" * 32


def test_notes_render(rendered: dict[str, Rendered]) -> None:
    assert "rollout status deployment/inspectnet" in rendered["defaults"].notes()
    assert "https://inspectnet.example.com/graphql" in rendered["ingress"].notes()
    assert "trial database" in rendered["trial-postgresql"].notes()


# --- the policy ConfigMap and the repository's policies/ -----------------------------------------


@pytest.mark.parametrize("filename", ["model.conf", "base.csv"])
def test_default_policy_equals_repository_policy(
    rendered: dict[str, Rendered], filename: str
) -> None:
    source = REPO / "policies" / filename
    configmap = rendered["defaults"].one("ConfigMap", f"{RELEASE}-policy")
    expected = source.read_text(encoding="utf-8")
    key = "model" if filename == "model.conf" else "base"
    assert configmap["data"][filename] == expected, (
        f"helm/inspectnet/values.yaml policy.{key} differs from policies/{filename}; "
        f"copy the file into that block scalar (indented by 4 spaces)"
    )


def test_existing_configmap_replaces_the_chart_one(rendered: dict[str, Rendered]) -> None:
    assert rendered["rs256-digest"].of_kind("ConfigMap") == []


def test_no_template_leaves_unrendered_markers(rendered: dict[str, Rendered]) -> None:
    for name, result in rendered.items():
        for path, text in result.templates.items():
            assert not re.search(r"\{\{|\}\}|<no value>", text), f"{name}: {path}"


# --- docs/deploy.md ------------------------------------------------------------------------------


def test_deploy_guide_covers_the_operations(yaml_mod: ModuleType) -> None:
    text = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    headings = [line.lower() for line in text.splitlines() if line.startswith("## ")]
    for topic in (
        "install",
        "upgrade",
        "roll back",
        "rotate jwt",
        "rotate keys",
        "metrics",
        "back up",
    ):
        assert any(topic in heading for heading in headings), topic
    # Every `--set key=…` in the guide names a real value.
    values = yaml_mod.safe_load((CHART_DIR / "values.yaml").read_text(encoding="utf-8"))
    for key in re.findall(r"--set ([\w.]+)=", text):
        node: Any = values
        for part in key.split("."):
            assert isinstance(node, dict) and part in node, f"docs/deploy.md: --set {key}"
            node = node[part]


def test_the_audit_trails_files_live_on_their_own_volumes(chart: Any, yaml_mod: ModuleType) -> None:
    def deployment(values: dict[str, Any]) -> dict[str, Any]:
        text = chart.render(values, name=RELEASE, namespace=NAMESPACE)[
            "inspectnet/templates/deployment.yaml"
        ]
        return yaml_mod.safe_load(text)  # type: ignore[no-any-return]

    def volumes(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {v["name"]: v for v in spec["spec"]["template"]["spec"]["volumes"]}

    default = deployment(REQUIRED)
    server = default["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in server["env"]}
    mounts = {m["name"]: m["mountPath"] for m in server["volumeMounts"]}
    assert env["INSPECTNET_AUDIT_CHECKPOINT_DIR"] == mounts["audit-checkpoints"]
    assert env["INSPECTNET_AUDIT_OUTBOX_DIR"] == mounts["audit-outbox"]
    assert env["INSPECTNET_AUDIT_CHECKPOINT_SECONDS"] == "300"
    assert "emptyDir" in volumes(default)["audit-checkpoints"]
    claimed = deployment(deep_merge(REQUIRED, {"audit": {"checkpointsClaim": "audit-worm"}}))
    assert volumes(claimed)["audit-checkpoints"]["persistentVolumeClaim"] == {
        "claimName": "audit-worm"
    }


# --- the duties sweep --------------------------------------------------------------------------


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_the_duties_sweep_runs_as_a_cronjob(rendered: dict[str, Rendered], value_set: str) -> None:
    result = rendered[value_set]
    values = values_for(value_set)
    cron = result.one("CronJob", f"{RELEASE}-duties")
    assert cron["spec"]["schedule"] == "30 1 * * *"
    assert cron["spec"]["timeZone"] == "Asia/Shanghai"
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["duties", "sweep"]
    assert pod["restartPolicy"] == "Never"
    assert pod["automountServiceAccountToken"] is False
    # the same database, policy and keyring as the server
    env = env_of(container)
    secret_name = values["secrets"].get("existingSecret") or f"{RELEASE}-secrets"
    assert env["INSPECTNET_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == secret_name
    assert env["INSPECTNET_POLICY_DIR"]["value"] == "/etc/inspectnet/policies"
    assert env["INSPECTNET_KEYS_DIR"]["value"] == "/etc/inspectnet/keys"
    server = server_container(result)
    assert env_of(server)["INSPECTNET_DATABASE_URL"] == env["INSPECTNET_DATABASE_URL"]
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {"/etc/inspectnet/policies", "/etc/inspectnet/keys", "/tmp"} <= mounts
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["runAsNonRoot"] is True
    # nothing reaches the sweep's pods; they reach only the database and DNS
    if values.get("networkPolicy", {}).get("enabled", True):
        policy = result.one("NetworkPolicy", f"{RELEASE}-duties")
        assert policy["spec"]["ingress"] == []
        assert policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == (
            "duties"
        )


def test_the_duties_cronjob_can_be_turned_off(chart: Any, yaml_mod: ModuleType) -> None:
    values = deep_merge(REQUIRED, {"duties": {"enabled": False}})
    off = Rendered("off", chart.render(values, name=RELEASE, namespace=NAMESPACE), yaml_mod)
    assert off.of_kind("CronJob") == []
    assert [
        p for p in off.of_kind("NetworkPolicy") if p["metadata"]["name"].endswith("-duties")
    ] == []
