"""Evidence files outside the database rows: a storage interface, its two backends,
and the checks every file passes before it is stored.

A domain keeps, in a row of its own (``intake.models.PetitionAttachment``), the file's storage
key, media type, size and SHA-256, so the file has exactly the authorization of that row: it
is served only after the row is read through ``readable``. The store itself knows nothing of
who may read: it holds bytes under keys it made. Local directory by default
(``INSPECTNET_EVIDENCE_DIR``; the Helm chart mounts a PersistentVolumeClaim there), or an
S3-compatible bucket (``INSPECTNET_EVIDENCE_BACKEND=s3``, boto3 from the ``s3`` extra). Both
keep the same contract, checked by the same tests: a file is put with its SHA-256 and read back
only while it still has it.

Types are decided by content (the ``filetype`` package reads the magic bytes), never by the
name the uploader gave; the size limit is an office-wide setting (``INSPECTNET_EVIDENCE_MAX_BYTES``,
default 20 MiB: the seeds set no number).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filetype

from inspectnet.errors import Conflict, ValidationFailed
from inspectnet.settings import ConfigurationError

if TYPE_CHECKING:
    from inspectnet.settings import Settings

# What a petitioner or a team may hand in as evidence: documents and pictures.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    media_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def check(content: bytes, max_bytes: int, *, field: str = "file") -> CheckedFile:
    """The file if its size and its type (read from its content) are acceptable."""
    if not content:
        raise ValidationFailed("文件不能为空", code="REQUIRED", field=field)
    if len(content) > max_bytes:
        raise ValidationFailed(f"文件超过{max_bytes}字节的上限", code="FILE_TOO_LARGE", field=field)
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationFailed(
            "只接受 PDF、JPEG、PNG 或 DOCX 文件（按内容判断）",
            code="FILE_TYPE_REFUSED",
            field=field,
        )
    return CheckedFile(content, kind.mime, hashlib.sha256(content).hexdigest())


class ChecksumMismatch(Conflict):
    """The bytes under a key are not those stored: changed behind the database's back."""

    default_code = "EVIDENCE_CHECKSUM_MISMATCH"
    default_message = "证据文件校验值不符"


def _valid_key(key: str) -> str:
    if not (key.isascii() and key.isalnum()):
        raise FileNotFoundError(key)  # a key is ours: hex, no path or separator in it
    return key


class EvidenceStore(ABC):
    """Where evidence files live; keys are the store's own, never a name a user gave.

    Every backend behaves the same: ``put`` takes the SHA-256 its caller keeps in the file's
    row and refuses content that does not match it; ``get`` returns the content only when it
    still matches the SHA-256 the caller gives (ChecksumMismatch otherwise, FileNotFoundError
    when there is nothing under the key)."""

    def put(self, content: bytes, sha256: str) -> str:
        """Store ``content``, whose SHA-256 is ``sha256``; its new key."""
        if hashlib.sha256(content).hexdigest() != sha256:
            raise ValueError("the content's SHA-256 is not the one given")
        key = secrets.token_hex(16)
        self._write(key, content, sha256)
        return key

    def get(self, key: str, sha256: str) -> bytes:
        """The content under ``key``, verified against ``sha256``."""
        content = self._read(_valid_key(key))
        if not secrets.compare_digest(hashlib.sha256(content).hexdigest(), sha256):
            raise ChecksumMismatch()
        return content

    def delete(self, key: str) -> None:
        """Forget ``key`` (a rolled-back upload's file); nothing when it is gone already."""
        with contextlib.suppress(FileNotFoundError):
            self._delete(_valid_key(key))

    def exists(self, key: str) -> bool:
        """Whether anything is stored under ``key``."""
        try:
            return self._exists(_valid_key(key))
        except FileNotFoundError:
            return False

    @abstractmethod
    def _write(self, key: str, content: bytes, sha256: str) -> None: ...

    @abstractmethod
    def _read(self, key: str) -> bytes: ...

    @abstractmethod
    def _delete(self, key: str) -> None: ...

    @abstractmethod
    def _exists(self, key: str) -> bool: ...


class LocalStore(EvidenceStore):
    """Files in one directory, each written to a temporary name and renamed, so a reader never
    sees half a file; readable by the service's user only."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def _write(self, key: str, content: bytes, sha256: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload.")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def _read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def _delete(self, key: str) -> None:
        self._path(key).unlink()

    def _exists(self, key: str) -> bool:
        return self._path(key).is_file()


class S3Store(EvidenceStore):
    """Objects in an S3-compatible bucket, named ``prefix + key``. The upload carries its
    SHA-256 (``ChecksumSHA256``), so the service refuses bytes damaged on the way; reads are
    verified against the row's SHA-256 like the local store's, since whoever can write to the
    bucket can replace an object together with its checksum."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Store:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:  # pragma: no cover - the s3 extra is part of dev
            raise ConfigurationError(
                "configuration error: INSPECTNET_EVIDENCE_BACKEND: s3 needs boto3 "
                "(pip install 'inspectnet[s3]')"
            ) from None
        assert settings.evidence_s3_bucket is not None  # the settings refuse s3 without one
        client = boto3.client(
            "s3",
            endpoint_url=settings.evidence_s3_endpoint_url,
            region_name=settings.evidence_s3_region,
            aws_access_key_id=settings.evidence_s3_access_key_id,
            aws_secret_access_key=settings.evidence_s3_secret_access_key,
            config=Config(
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                # Another S3-compatible service (MinIO, …) is addressed by path, not by host.
                s3={"addressing_style": "path" if settings.evidence_s3_endpoint_url else "auto"},
            ),
        )
        return cls(client, settings.evidence_s3_bucket, settings.evidence_s3_prefix)

    def _name(self, key: str) -> str:
        return self.prefix + key

    def _write(self, key: str, content: bytes, sha256: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._name(key),
            Body=content,
            ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(),
            ContentType="application/octet-stream",
        )

    def _missing(self, error: Exception) -> bool:
        response = getattr(error, "response", None) or {}
        code = str(response.get("Error", {}).get("Code", ""))
        return code in {"NoSuchKey", "404", "NotFound"}

    def _read(self, key: str) -> bytes:
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise
        return bytes(found["Body"].read())

    def _delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.ClientError as error:
            if self._missing(error):
                return False
            raise
        return True


@dataclass(frozen=True)
class Evidence:
    """The process's store and its size limit, from the settings."""

    store: EvidenceStore
    max_bytes: int

    def read(self, key: str, sha256: str, message: str) -> bytes:
        """The file under ``key`` as it was stored; EVIDENCE_CHECKSUM_MISMATCH (with
        ``message``) when it is gone or changed: it is not evidence any more."""
        try:
            return self.store.get(key, sha256)
        except (FileNotFoundError, ChecksumMismatch):
            raise ChecksumMismatch(message) from None


_active: Evidence | None = None


def install(evidence: Evidence) -> None:
    """Make ``evidence`` the process's (the app and the CLI do this at start-up)."""
    global _active
    _active = evidence


def local(directory: Path, max_bytes: int) -> Evidence:
    """Files in ``directory`` (the default backend)."""
    return Evidence(LocalStore(directory), max_bytes)


def configured(settings: Settings) -> Evidence:
    """The store the settings name: INSPECTNET_EVIDENCE_BACKEND, local or s3."""
    if settings.evidence_backend == "s3":
        return Evidence(S3Store.from_settings(settings), settings.evidence_max_bytes)
    return local(settings.evidence_dir, settings.evidence_max_bytes)


def active() -> Evidence:
    """The process's evidence store; from the settings on first use if nothing installed one."""
    global _active
    if _active is None:
        from inspectnet.settings import get_settings

        _active = configured(get_settings())
    return _active
