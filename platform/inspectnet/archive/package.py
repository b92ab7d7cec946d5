"""The archive package: one zip holding ``manifest.json``, ``signature.json`` and the members.

The manifest lists each member's path, source, SHA-256 and size; ``signature.json`` holds the
HMAC-SHA256 of the manifest's exact bytes under the keyring's LINKS key (the purpose that signs
export archives, as office exports do), with that key's version. HMAC rather than Ed25519: the
keyring holds symmetric keys only, the platform is both the signer and the verifier
(``inspectnet archive verify``), and rotation keeps old versions so an archive signed years ago
still verifies. Verification checks the signature first, then that the zip holds exactly the
members the manifest lists, each with its checksum: changing one byte of any member, of the
manifest or of the signature fails it.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from inspectnet import keyring
from inspectnet.errors import DomainError

FORMAT = "inspectnet-inspection-archive/1"
MANIFEST, SIGNATURE = "manifest.json", "signature.json"
ALGORITHM = "HMAC-SHA256"
# A fixed timestamp for every entry: the same archive gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class ArchiveInvalid(DomainError):
    """A package that does not verify: a stable code and a Chinese message."""

    default_code = "ARCHIVE_INVALID"
    default_message = "归档包校验未通过"


@dataclass(frozen=True)
class Signed:
    manifest: bytes
    signature: str
    key_version: int


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sign(header: dict[str, Any], members: list[dict[str, Any]]) -> Signed:
    """The manifest's bytes and their HMAC under the current LINKS key."""
    manifest = json.dumps(
        {"format": FORMAT, **header, "members": members},
        ensure_ascii=False,
        sort_keys=True,
        indent=2,
    ).encode()
    key = keyring.active().current(keyring.Purpose.LINKS)
    return Signed(manifest, key.mac(manifest).hex(), key.version)


def build(signed: Signed, contents: dict[str, bytes]) -> bytes:
    """The zip: manifest, signature, then each member at its path."""
    signature = json.dumps(
        {
            "algorithm": ALGORITHM,
            "purpose": keyring.Purpose.LINKS.value,
            "keyVersion": signed.key_version,
            "hmac": signed.signature,
        },
        sort_keys=True,
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in ((MANIFEST, signed.manifest), (SIGNATURE, signature), *contents.items()):
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data)
    return out.getvalue()


def verify(data: bytes) -> dict[str, Any]:
    """The manifest of a package that verifies; ArchiveInvalid with the first failure found."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            contents = {info.filename: archive.read(info) for info in archive.infolist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        # A byte changed inside a member also lands here: the zip's own CRC no longer matches.
        raise ArchiveInvalid("归档包已损坏，无法读取", code="ARCHIVE_CORRUPT") from None
    manifest, signature = contents.pop(MANIFEST, None), contents.pop(SIGNATURE, None)
    if manifest is None or signature is None:
        raise ArchiveInvalid("归档包缺少清单或签名", code="ARCHIVE_CORRUPT")
    try:
        signed = json.loads(signature)
        key = keyring.active().version(keyring.Purpose.LINKS, int(signed["keyVersion"]))
        claimed = bytes.fromhex(signed["hmac"])
        valid = (
            signed.get("algorithm") == ALGORITHM
            and signed.get("purpose") == keyring.Purpose.LINKS.value
        ) and hmac.compare_digest(claimed, key.mac(manifest))
    except (keyring.KeyringError, KeyError, ValueError, TypeError):
        valid = False
    if not valid:
        raise ArchiveInvalid("归档包签名无效：清单或签名已被改动", code="ARCHIVE_SIGNATURE_INVALID")
    listed = json.loads(manifest)
    expected = {m["path"]: m for m in listed["members"]}
    if set(expected) != set(contents):
        raise ArchiveInvalid("归档包中的文件与清单不一致", code="ARCHIVE_MEMBERS_MISMATCH")
    for path, member in expected.items():
        content = contents[path]
        if checksum(content) != member["sha256"] or len(content) != member["size"]:
            raise ArchiveInvalid(
                f"归档文件 {path} 的校验和与清单不符", code="ARCHIVE_CHECKSUM_MISMATCH"
            )
    return dict(listed)
