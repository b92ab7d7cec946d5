"""Evidence files outside the database rows: a storage interface, its local-directory backend,
and the checks every file passes before it is stored.

A domain keeps, in a row of its own (``intake.models.PetitionAttachment``), the file's storage
key, media type, size and SHA-256, so the file has exactly the authorization of that row: it
is served only after the row is read through ``readable``. The store itself knows nothing of
who may read: it holds bytes under keys it made. Local directory by default
(``INSPECTNET_EVIDENCE_DIR``; the Helm chart mounts a PersistentVolumeClaim there); another
backend (S3-compatible) implements ``EvidenceStore`` the same way.

Types are decided by content (the ``filetype`` package reads the magic bytes), never by the
name the uploader gave; the size limit is an office-wide setting (``INSPECTNET_EVIDENCE_MAX_BYTES``,
default 20 MiB: the seeds set no number).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import filetype

from inspectnet.errors import ValidationFailed

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


class EvidenceStore(Protocol):
    """Where evidence files live; keys are the store's own, never a name a user gave."""

    def put(self, content: bytes) -> str:
        """Store ``content``; its new key."""
        ...

    def get(self, key: str) -> bytes:
        """The content under ``key``; FileNotFoundError when there is none."""
        ...

    def delete(self, key: str) -> None:
        """Forget ``key`` (a rolled-back upload's file); nothing when it is gone already."""
        ...


class LocalStore:
    """Files in one directory, each written to a temporary name and renamed, so a reader never
    sees half a file; readable by the service's user only."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise FileNotFoundError(key)  # a key is ours: hex, no path in it
        return self.directory / key[:2] / key

    def put(self, content: bytes) -> str:
        key = secrets.token_hex(16)
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
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()


@dataclass(frozen=True)
class Evidence:
    """The process's store and its size limit, from the settings."""

    store: EvidenceStore
    max_bytes: int


_active: Evidence | None = None


def install(evidence: Evidence) -> None:
    """Make ``evidence`` the process's (the app and the CLI do this at start-up)."""
    global _active
    _active = evidence


def configured(directory: Path, max_bytes: int) -> Evidence:
    """The store the settings name (the local directory: the one backend built so far)."""
    return Evidence(LocalStore(directory), max_bytes)


def active() -> Evidence:
    """The process's evidence store; from the settings on first use if nothing installed one."""
    global _active
    if _active is None:
        from inspectnet.settings import get_settings

        settings = get_settings()
        _active = configured(settings.evidence_dir, settings.evidence_max_bytes)
    return _active
