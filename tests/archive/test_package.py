"""The package verifies, and a change of one byte of any member, of the manifest or of the
signature fails verification (HMAC-SHA256 under the keyring's LINKS key)."""

from __future__ import annotations

import io
import zipfile

import pytest

from inspectnet.archive import package
from inspectnet.archive.package import ArchiveInvalid

MEMBERS = {"inspection/inspection.json": b'{"name": "x"}', "inspection/team.json": b"[]"}


def _package() -> bytes:
    listed = [
        {"path": p, "source": "s", "sha256": package.checksum(c), "size": len(c)}
        for p, c in MEMBERS.items()
    ]
    return package.build(package.sign({"inspection": "I"}, listed), MEMBERS)


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _rezip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _flip(content: bytes, at: int) -> bytes:
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1 :]


def test_an_untouched_package_verifies() -> None:
    assert package.verify(_package())["inspection"] == "I"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("inspection/inspection.json", "ARCHIVE_CHECKSUM_MISMATCH"),
        ("inspection/team.json", "ARCHIVE_CHECKSUM_MISMATCH"),
        (package.MANIFEST, "ARCHIVE_SIGNATURE_INVALID"),
        (package.SIGNATURE, "ARCHIVE_SIGNATURE_INVALID"),
    ],
)
def test_one_byte_changed_in_any_entry_fails(name: str, code: str) -> None:
    entries = _entries(_package())
    # a digit of the signature's HMAC, or a byte inside each other entry
    at = entries[name].index(b'"hmac": "') + 9 if name == package.SIGNATURE else 1
    entries[name] = _flip(entries[name], at)

    with pytest.raises(ArchiveInvalid) as refused:
        package.verify(_rezip(entries))

    assert refused.value.code == code


def test_any_byte_of_the_signature_changed_fails() -> None:
    entries = _entries(_package())
    signature = entries[package.SIGNATURE]
    for at in range(len(signature)):
        with pytest.raises(ArchiveInvalid):
            package.verify(_rezip({**entries, package.SIGNATURE: _flip(signature, at)}))


def _data_spans(data: bytes) -> dict[str, range]:
    """Where each entry's stored bytes lie in the zip file (after its local header)."""
    spans = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            header = data[info.header_offset : info.header_offset + 30]
            start = info.header_offset + 30 + int.from_bytes(header[26:28], "little")
            start += int.from_bytes(header[28:30], "little")
            spans[info.filename] = range(start, start + info.compress_size)
    return spans


def test_a_byte_changed_in_the_file_itself_fails_and_so_do_missing_or_extra_members() -> None:
    data = _package()
    # every stored byte of every entry: the manifest, the signature and each member
    for span in _data_spans(data).values():
        for at in span:
            with pytest.raises(ArchiveInvalid):
                package.verify(_flip(data, at))
    entries = _entries(data)
    extra = _rezip({**entries, "inspection/extra.json": b"{}"})
    del entries["inspection/team.json"]
    for tampered in (extra, _rezip(entries)):
        with pytest.raises(ArchiveInvalid) as refused:
            package.verify(tampered)
        assert refused.value.code == "ARCHIVE_MEMBERS_MISMATCH"
