"""The evidence store under test, one of each backend: the local directory, and an S3 bucket in
moto's in-process mock, built from the settings as the app builds it. Tests that take the
``evidence_backend`` fixture run once per backend; they look at what the store holds, and
tamper with it, through the ``Backend`` here, never through the backend's own API."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspectnet import evidence
from inspectnet.settings import Settings

BUCKET = "inspectnet-evidence-test"
PREFIX = "evidence/"
REGION = "cn-north-1"
EVIDENCE_BACKENDS = ["local", "s3"]
MAX_BYTES = 1024


@dataclass
class Backend:
    """The installed store and the raw view of what it holds, by the backend's own means."""

    name: str
    evidence: evidence.Evidence
    stored: Callable[[], dict[str, bytes]]  # key: content, every object or file the store holds
    overwrite: Callable[[str, bytes], None]  # replace what is under a key, behind the store

    @property
    def store(self) -> evidence.EvidenceStore:
        return self.evidence.store

    def contents(self) -> list[bytes]:
        return sorted(self.stored().values())


def _local(directory: Path, max_bytes: int) -> Backend:
    installed = evidence.local(directory, max_bytes)

    def stored() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in directory.rglob("*") if p.is_file()}

    def overwrite(key: str, content: bytes) -> None:
        (directory / key[:2] / key).write_bytes(content)

    return Backend("local", installed, stored, overwrite)


@contextlib.contextmanager
def _s3(max_bytes: int) -> Iterator[Backend]:
    import boto3
    from moto import mock_aws

    with mock_aws():
        settings = Settings(
            evidence_backend="s3",
            evidence_s3_bucket=BUCKET,
            evidence_s3_prefix=PREFIX,
            evidence_s3_region=REGION,
            evidence_s3_access_key_id="test-access-key",
            evidence_s3_secret_access_key="test-secret-key",
            evidence_max_bytes=max_bytes,
        )
        raw = boto3.client("s3", region_name=REGION)
        raw.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        installed = evidence.configured(settings)
        assert isinstance(installed.store, evidence.S3Store)

        def stored() -> dict[str, bytes]:
            listed = raw.list_objects_v2(Bucket=BUCKET).get("Contents", [])
            return {
                o["Key"].removeprefix(PREFIX): raw.get_object(Bucket=BUCKET, Key=o["Key"])[
                    "Body"
                ].read()
                for o in listed
            }

        def overwrite(key: str, content: bytes) -> None:
            raw.put_object(Bucket=BUCKET, Key=PREFIX + key, Body=content)

        yield Backend("s3", installed, stored, overwrite)


@pytest.fixture(params=EVIDENCE_BACKENDS)
def evidence_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The process's evidence store, local or S3, taking files up to 1 KiB; put back to an
    unused directory afterwards."""
    with contextlib.ExitStack() as stack:
        if request.param == "local":
            backend = _local(tmp_path / "evidence", MAX_BYTES)
        else:
            backend = stack.enter_context(_s3(MAX_BYTES))
        evidence.install(backend.evidence)
        yield backend
    evidence.install(evidence.local(tmp_path / "unused", MAX_BYTES))
