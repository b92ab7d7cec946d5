"""One office's rows as a signed archive, and their restore into an empty database.

The archive is a tar file holding ``manifest.json`` (format, office, schema revision, and for
each table its row count and SHA-256), ``signature.json`` (HMAC-SHA256 of the manifest's bytes
under the keyring's LINKS key, with the key's version) and ``tables/<table>.jsonl``. The rows
are the office's own (every table with ``office_id``, found by walking the registered domains'
models, and the office row itself) plus the rows they refer to by foreign key (a superior
office, a target of another office named in an employment record), so that the archive
restores into an empty database on its own.

Import checks everything before it writes anything: the signature, every checksum, the
schema revision, and that the target holds none of the archive's tables' rows; then it writes
every row in one transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum as PyEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Enum, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

import inspectnet.models  # noqa: F401 - every registered domain's models on the metadata
from inspectnet import clock, keyring
from inspectnet.db import Base, UTCDateTime

FORMAT = "inspectnet-office-archive/1"
MANIFEST, SIGNATURE = "manifest.json", "signature.json"
OFFICES = "offices"

Progress = Callable[[str, int, int], None]  # (table, rows done, rows in the table)


class ArchiveRefused(Exception):
    """An export or import that cannot be done: a stable ``code`` and a Chinese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


@dataclass(frozen=True)
class Summary:
    office_code: str
    rows: dict[str, int]


def office_tables() -> list[Table]:
    """The office row's table and every table whose rows carry ``office_id``, in FK order."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if table.name == OFFICES or "office_id" in table.c
    ]


def _encode(value: Any) -> Any:
    if isinstance(value, PyEnum):
        return value.name
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    decoded = {}
    for name, value in row.items():
        kind = table.c[name].type
        if value is not None and isinstance(kind, UTCDateTime | DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = date.fromisoformat(value)
        elif value is not None and isinstance(kind, Enum) and kind.enum_class is not None:
            value = kind.enum_class[value]
        decoded[name] = value
    return decoded


def _pk(table: Table) -> Any:
    (column,) = table.primary_key.columns
    return column


async def collect(session: AsyncSession, office_id: int) -> dict[str, list[dict[str, Any]]]:
    """The office's rows by table, with every row they refer to, each table ordered by key."""
    rows: dict[str, dict[Any, dict[str, Any]]] = {}
    for table in office_tables():
        where = _pk(table) == office_id if table.name == OFFICES else table.c.office_id == office_id
        # system scope: an export is the platform's, of every row the office owns
        found = (await session.execute(select(table).where(where))).mappings().all()
        rows[table.name] = {row[_pk(table).name]: dict(row) for row in found}
    # The rows they point at (another office's row, a target named in a record), until closed.
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            for row in list(rows.get(table.name, {}).values()):
                for column in table.columns:
                    for foreign in column.foreign_keys:
                        value = row[column.name]
                        target = foreign.column.table
                        held = rows.setdefault(target.name, {})
                        if value is None or value in held:
                            continue
                        # system scope: a row the exported rows refer to
                        found = (
                            (await session.execute(select(target).where(foreign.column == value)))
                            .mappings()
                            .one()
                        )
                        held[value] = dict(found)
                        changed = True
    order = [t.name for t in Base.metadata.sorted_tables]
    return {
        name: [held[key] for key in sorted(held)]
        for name, held in sorted(rows.items(), key=lambda item: order.index(item[0]))
    }


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


async def export_office(
    session: AsyncSession, office_code: str, target: Path, progress: Progress | None = None
) -> Summary:
    """Write the office's signed archive to ``target`` (``target.partial`` until complete)."""
    offices = Base.metadata.tables[OFFICES]
    # system scope: the platform exports an office by its code
    office_id = await session.scalar(select(offices.c.id).where(offices.c.code == office_code))
    if office_id is None:
        raise ArchiveRefused("OFFICE_NOT_FOUND", f"没有代码为 {office_code} 的机构")
    collected = await collect(session, office_id)
    revisions = sorted(
        r for (r,) in (await session.execute(text("SELECT version_num FROM alembic_version")))
    )
    files: dict[str, bytes] = {}
    entries = []
    for name, rows in collected.items():
        lines = []
        for done, row in enumerate(rows, start=1):
            lines.append(_canonical({k: _encode(v) for k, v in row.items()}))
            if progress is not None and (done % 500 == 0 or done == len(rows)):
                progress(name, done, len(rows))
        body = b"\n".join(lines) + (b"\n" if lines else b"")
        path = f"tables/{name}.jsonl"
        files[path] = body
        entries.append({"table": name, "file": path, "rows": len(rows), "sha256": _sha256(body)})
    manifest = _canonical(
        {
            "format": FORMAT,
            "office": {"id": office_id, "code": office_code},
            "exportedAt": clock.now().isoformat(),
            "schema": revisions,
            "tables": entries,
        }
    )
    key = keyring.active().current(keyring.Purpose.LINKS)
    signature = _canonical(
        {"purpose": key.purpose.value, "keyVersion": key.version, "hmac": key.mac(manifest).hex()}
    )
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w") as archive:
        for name, body in [(MANIFEST, manifest), (SIGNATURE, signature), *files.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    partial.replace(target)
    return Summary(office_code, {name: len(rows) for name, rows in collected.items()})


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class Archive:
    """An archive whose signature and checksums held."""

    manifest: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]


def read_archive(source: Path) -> Archive:
    """Open ``source`` and check its signature and every checksum, or refuse it."""
    try:
        with tarfile.open(source, "r") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}

            def read(name: str) -> bytes:
                member = members.get(name)
                handle = archive.extractfile(member) if member is not None else None
                if handle is None:
                    raise ArchiveRefused("ARCHIVE_MALFORMED", f"归档缺少 {name}")
                return handle.read()

            manifest_bytes, signature = read(MANIFEST), json.loads(read(SIGNATURE))
            _check_signature(manifest_bytes, signature)
            manifest = json.loads(manifest_bytes)
            if manifest.get("format") != FORMAT:
                raise ArchiveRefused("ARCHIVE_MALFORMED", "归档格式不受支持")
            tables: dict[str, list[dict[str, Any]]] = {}
            for entry in manifest["tables"]:
                body = read(entry["file"])
                if not hmac.compare_digest(_sha256(body), entry["sha256"]):
                    raise ArchiveRefused(
                        "ARCHIVE_CHECKSUM_MISMATCH",
                        f"归档中 {entry['table']} 的校验和不符，已被改动",
                    )
                rows = [json.loads(line) for line in body.splitlines() if line]
                if len(rows) != entry["rows"]:
                    raise ArchiveRefused("ARCHIVE_MALFORMED", f"归档中 {entry['table']} 的行数不符")
                tables[entry["table"]] = rows
    except (tarfile.TarError, OSError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise ArchiveRefused("ARCHIVE_MALFORMED", f"无法读取归档：{type(error).__name__}") from None
    return Archive(manifest, tables)


def _check_signature(manifest: bytes, signature: dict[str, Any]) -> None:
    refused = ArchiveRefused(
        "ARCHIVE_SIGNATURE_INVALID", "归档签名无效：归档被改动或并非本平台签发"
    )
    try:
        key = keyring.active().version(keyring.Purpose.LINKS, int(signature["keyVersion"]))
        expected = bytes.fromhex(str(signature["hmac"]))
    except (keyring.KeyringError, KeyError, ValueError, TypeError):
        raise refused from None
    if signature.get("purpose") != keyring.Purpose.LINKS.value or not hmac.compare_digest(
        key.mac(manifest), expected
    ):
        raise refused


async def import_office(
    session: AsyncSession, source: Path, progress: Progress | None = None
) -> Summary:
    """Restore an archive into an empty database (flushes; the caller commits)."""
    archive = read_archive(source)
    revisions = sorted(
        r for (r,) in (await session.execute(text("SELECT version_num FROM alembic_version")))
    )
    if revisions != archive.manifest["schema"]:
        raise ArchiveRefused(
            "ARCHIVE_SCHEMA_MISMATCH",
            f"归档的数据库版本 {archive.manifest['schema']} 与目标 {revisions} 不同，请先迁移到相同版本",
        )
    known = Base.metadata.tables
    unknown = [name for name in archive.tables if name not in known]
    if unknown:
        raise ArchiveRefused("ARCHIVE_MALFORMED", f"归档含未知的表：{', '.join(unknown)}")
    for table in office_tables() + [known[name] for name in archive.tables]:
        # system scope: an import may only go into a database holding none of these rows
        if await session.scalar(select(func.count()).select_from(table)):
            raise ArchiveRefused(
                "TARGET_NOT_EMPTY", f"目标数据库的 {table.name} 表已有数据，只能导入空数据库"
            )
    for table in Base.metadata.sorted_tables:
        rows = archive.tables.get(table.name)
        if not rows:
            continue
        await session.execute(table.insert(), [_decode(table, row) for row in rows])
        if progress is not None:
            progress(table.name, len(rows), len(rows))
        if session.get_bind().dialect.name == "postgresql":
            # rows came with their keys: move the sequence past them
            pk = _pk(table)
            await session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'),"
                    f" (SELECT max({pk.name}) FROM {table.name}))"
                )
            )
    return Summary(
        archive.manifest["office"]["code"],
        {name: len(rows) for name, rows in archive.tables.items()},
    )
