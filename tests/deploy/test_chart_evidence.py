"""The chart's evidence store: a mounted directory by default, or an S3-compatible bucket
(evidence.backend=s3) whose access keys come from a Secret by reference, never inlined."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.deploy.conftest import (
    NAMESPACE,
    RELEASE,
    REQUIRED,
    VALUE_SETS,
    Rendered,
    deep_merge,
    values_for,
)

EVIDENCE_DIR = "/var/lib/inspectnet/evidence"


def _server(result: Rendered) -> tuple[dict[str, Any], dict[str, Any]]:
    pod = result.one("Deployment", RELEASE)["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    return pod, container


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container["env"]}


@pytest.mark.parametrize("value_set", [v for v in VALUE_SETS if v != "evidence-s3"])
def test_evidence_is_a_mounted_directory_by_default(
    rendered: dict[str, Rendered], value_set: str
) -> None:
    pod, container = _server(rendered[value_set])
    env = _env(container)
    assert env["INSPECTNET_EVIDENCE_DIR"]["value"] == EVIDENCE_DIR
    assert not [name for name in env if name.startswith("INSPECTNET_EVIDENCE_S3")]
    assert "INSPECTNET_EVIDENCE_BACKEND" not in env  # the app's default: local
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == EVIDENCE_DIR]
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert "emptyDir" in volume or "persistentVolumeClaim" in volume


def test_evidence_in_a_bucket_takes_its_keys_from_the_secret(
    rendered: dict[str, Rendered],
) -> None:
    s3 = values_for("evidence-s3")["evidence"]["s3"]
    pod, container = _server(rendered["evidence-s3"])
    env = _env(container)
    assert {name: env[name].get("value") for name in env if "EVIDENCE" in name} == {
        "INSPECTNET_EVIDENCE_BACKEND": "s3",
        "INSPECTNET_EVIDENCE_S3_BUCKET": s3["bucket"],
        "INSPECTNET_EVIDENCE_S3_PREFIX": s3["prefix"],
        "INSPECTNET_EVIDENCE_S3_ENDPOINT_URL": s3["endpointUrl"],
        "INSPECTNET_EVIDENCE_S3_REGION": s3["region"],
        "INSPECTNET_EVIDENCE_S3_ACCESS_KEY_ID": None,
        "INSPECTNET_EVIDENCE_S3_SECRET_ACCESS_KEY": None,
    }
    for name, key in (
        ("INSPECTNET_EVIDENCE_S3_ACCESS_KEY_ID", "access-key-id"),
        ("INSPECTNET_EVIDENCE_S3_SECRET_ACCESS_KEY", "secret-access-key"),
    ):
        assert env[name]["valueFrom"] == {
            "secretKeyRef": {"name": s3["existingSecret"], "key": key}
        }
    # No directory is mounted for files that live in the bucket.
    assert not [m for m in container["volumeMounts"] if m["mountPath"] == EVIDENCE_DIR]
    assert "evidence" not in {v["name"] for v in pod["volumes"]}
    # The chart creates no Secret for the keys: it only refers to one.
    assert not [
        o
        for o in rendered["evidence-s3"].of_kind("Secret")
        if o["metadata"]["name"] == s3["existingSecret"]
    ]


def test_a_bucket_without_a_secret_leaves_the_keys_to_boto3(
    chart: Any, yaml_mod: ModuleType
) -> None:
    values = deep_merge(values_for("evidence-s3"), {"evidence": {"s3": {"existingSecret": ""}}})
    result = Rendered("no-keys", chart.render(values, name=RELEASE, namespace=NAMESPACE), yaml_mod)
    env = _env(_server(result)[1])
    assert env["INSPECTNET_EVIDENCE_BACKEND"]["value"] == "s3"
    assert "INSPECTNET_EVIDENCE_S3_ACCESS_KEY_ID" not in env
    assert "INSPECTNET_EVIDENCE_S3_SECRET_ACCESS_KEY" not in env


def test_a_bucket_must_be_named(chart: Any, helm: ModuleType) -> None:
    with pytest.raises(helm.HelmError, match=r"evidence\.s3\.bucket is required"):
        chart.render(
            deep_merge(REQUIRED, {"evidence": {"backend": "s3"}}),
            name=RELEASE,
            namespace=NAMESPACE,
        )


BAD_EVIDENCE = {
    "unknown-backend": "evidence:\n  backend: nfs\n",
    "bucket-not-a-bucket-name": "evidence:\n  backend: s3\n  s3:\n    bucket: Evidence_Files\n",
    "endpoint-without-scheme": "evidence:\n  s3:\n    endpointUrl: minio:9000\n",
    "inline-secret-key": "evidence:\n  s3:\n    secretAccessKey: abc\n",
    "bad-secret-name": "evidence:\n  s3:\n    existingSecret: Not_A_Name\n",
}


@pytest.mark.parametrize("document", BAD_EVIDENCE.values(), ids=list(BAD_EVIDENCE))
def test_schema_refuses_bad_evidence_values(
    chart: Any, helm: ModuleType, tmp_path: Path, document: str
) -> None:
    values = deep_merge(REQUIRED, helm.values_from_yaml(document))
    with pytest.raises(helm.HelmValuesError):
        chart.validate_schema(values)
