"""One keyring for every key the platform holds, read from mounted secrets.

Each purpose has numbered versions; the highest is current (used to sign, encrypt or key new
values), the older ones are kept so that what they produced can still be read. Keys come from
``INSPECTNET_KEYS_DIR`` (one file per purpose, as a Kubernetes Secret mounts them) or from
``INSPECTNET_KEY_<PURPOSE>`` environment variables; both hold ``VERSION:BASE64`` entries
separated by newlines or commas. In development a missing purpose gets a key derived from a
fixed seed, so ``make run`` works; production refuses to start without real keys.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import enum
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

MIN_KEY_BYTES = 32
ENV_PREFIX = "INSPECTNET_KEY_"
_DEVELOPMENT_SEED = b"inspectnet-development-keyring-not-for-production"


class Purpose(enum.StrEnum):
    """What a key is for; one key never serves two purposes."""

    AUDIT = "audit"  # HMAC of the audit chain and its signed checkpoints
    IDENTITY = "identity"  # envelope encryption of petitioners' identities, receipt-code digests
    LINKS = "links"  # signatures of download links and export archives
    IDS = "ids"  # the keyed permutation behind public object ids
    FACTORS = "factors"  # encryption of TOTP secrets, keyed digests of recovery codes


class KeyringError(ValueError):
    """A key source that cannot be read: names the purpose and what is wrong, never the key."""


@dataclass(frozen=True)
class Key:
    purpose: Purpose
    version: int
    secret: bytes = b""
    derived_for_development: bool = False

    def __repr__(self) -> str:  # never print the secret
        return f"Key({self.purpose.value} v{self.version})"

    def mac(self, message: bytes) -> bytes:
        """HMAC-SHA256 of ``message`` under this key."""
        return hmac.new(self.secret, message, hashlib.sha256).digest()

    def subkey(self, label: str) -> bytes:
        """An independent 32-byte key for one use within the purpose (e.g. one Feistel round)."""
        return self.mac(b"subkey|" + label.encode())


class Keyring:
    """Every purpose's key versions, newest first."""

    def __init__(self, keys: Mapping[Purpose, Iterable[Key]]) -> None:
        self._keys: dict[Purpose, tuple[Key, ...]] = {}
        for purpose, found in keys.items():
            ordered = tuple(sorted(found, key=lambda k: k.version, reverse=True))
            if ordered:
                self._keys[purpose] = ordered

    def current(self, purpose: Purpose) -> Key:
        """The key new values are made with."""
        return self.versions(purpose)[0]

    def version(self, purpose: Purpose, version: int) -> Key:
        """A particular version, to read what it made; KeyringError when it is not held."""
        for key in self.versions(purpose):
            if key.version == version:
                return key
        raise KeyringError(f"{purpose.value}: key version {version} is not in the keyring")

    def versions(self, purpose: Purpose) -> tuple[Key, ...]:
        found = self._keys.get(purpose)
        if not found:
            raise KeyringError(f"{purpose.value}: no key configured")
        return found

    def missing(self) -> list[Purpose]:
        """Purposes with no key at all."""
        return [p for p in Purpose if p not in self._keys]

    def development_derived(self) -> list[Purpose]:
        """Purposes holding a key derived from the published development seed (any version:
        an old one would still let anyone forge what it verifies)."""
        return [p for p, keys in self._keys.items() if any(k.derived_for_development for k in keys)]

    @classmethod
    def load(
        cls,
        keys_dir: Path | None,
        environ: Mapping[str, str] | None = None,
        *,
        development: bool,
    ) -> Keyring:
        """Read every purpose from ``keys_dir`` and the environment (the directory wins)."""
        environ = os.environ if environ is None else environ
        keys: dict[Purpose, list[Key]] = {}
        for purpose in Purpose:
            text = None
            if keys_dir is not None and (keys_dir / purpose.value).is_file():
                text = (keys_dir / purpose.value).read_text("utf-8")
            elif f"{ENV_PREFIX}{purpose.value.upper()}" in environ:
                text = environ[f"{ENV_PREFIX}{purpose.value.upper()}"]
            if text is not None:
                keys[purpose] = parse_entries(purpose, text)
            elif development:
                keys[purpose] = [development_key(purpose)]
        return cls(keys)


def parse_entries(purpose: Purpose, text: str) -> list[Key]:
    """``VERSION:BASE64`` entries, one per line or comma; blank lines and ``#`` comments skipped."""
    found: dict[int, Key] = {}
    for raw in text.replace(",", "\n").splitlines():
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        version_text, sep, encoded = entry.partition(":")
        if not sep or not version_text.isascii() or not version_text.isdigit():
            raise KeyringError(f"{purpose.value}: an entry is not VERSION:BASE64")
        version = int(version_text)
        if not 1 <= version <= 65535:
            raise KeyringError(f"{purpose.value}: key versions run from 1 to 65535")
        try:
            secret = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyringError(f"{purpose.value}: key version {version} is not base64") from None
        if len(secret) < MIN_KEY_BYTES:
            raise KeyringError(
                f"{purpose.value}: key version {version} has {len(secret)} bytes, "
                f"at least {MIN_KEY_BYTES} are needed"
            )
        if version in found:
            raise KeyringError(f"{purpose.value}: key version {version} appears twice")
        # The published development key pasted into a Secret is no better than none.
        published = hmac.compare_digest(secret, development_key(purpose).secret)
        found[version] = Key(purpose, version, secret, derived_for_development=published)
    if not found:
        raise KeyringError(f"{purpose.value}: the key source holds no key")
    return list(found.values())


def development_key(purpose: Purpose) -> Key:
    """The published development key of a purpose: never acceptable in production."""
    secret = hmac.new(_DEVELOPMENT_SEED, purpose.value.encode(), hashlib.sha256).digest()
    return Key(purpose, 1, secret, derived_for_development=True)


def new_entry(existing: Iterable[Key]) -> str:
    """A fresh random key one version above ``existing``, as a ``VERSION:BASE64`` line."""
    version = max((k.version for k in existing if not k.derived_for_development), default=0) + 1
    return f"{version}:{base64.b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode()}"


KEY_FILE_MODE = 0o600


def rotate(keys_dir: Path, purpose: Purpose) -> Key:
    """Add a new current version to ``keys_dir``'s file for ``purpose``, keeping the old ones."""
    path = keys_dir / purpose.value
    text = path.read_text("utf-8") if path.is_file() else ""
    existing = parse_entries(purpose, text) if text.strip() else []
    entry = new_entry(existing)
    body = text if not text or text.endswith("\n") else text + "\n"
    write_key_file(path, body + entry + "\n")
    return parse_entries(purpose, entry)[0]


def init(keys_dir: Path) -> list[Key]:
    """A first key for every purpose; refuses (changing nothing) if any purpose already has a file."""
    present = [p.value for p in Purpose if (keys_dir / p.value).exists()]
    if present:
        raise KeyringError(
            f"{', '.join(present)}: a key file already exists in {keys_dir} "
            "(use `inspectnet keys rotate`)"
        )
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return [rotate(keys_dir, purpose) for purpose in Purpose]


def write_key_file(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``, readable by its owner only (mode 0600)."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        # mkstemp already creates 0600; say so explicitly in case a umask or platform differs.
        os.fchmod(descriptor, KEY_FILE_MODE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    # The rename is durable only once the directory entry is on disk too.
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def sources(keys_dir: Path | None, environ: Mapping[str, str] | None = None) -> dict[Purpose, str]:
    """Where each purpose's keys come from: the file, the variable, or nowhere (``""``)."""
    environ = os.environ if environ is None else environ
    found = {}
    for purpose in Purpose:
        variable = f"{ENV_PREFIX}{purpose.value.upper()}"
        if keys_dir is not None and (keys_dir / purpose.value).is_file():
            found[purpose] = str(keys_dir / purpose.value)
        elif variable in environ:
            found[purpose] = variable
        else:
            found[purpose] = ""
    return found


_active: Keyring | None = None


def install(ring: Keyring) -> None:
    """Make ``ring`` the process's keyring (the app and the CLI do this at start-up)."""
    global _active
    _active = ring


def active() -> Keyring:
    """The process's keyring; loaded from the settings on first use if nothing installed one."""
    global _active
    if _active is None:
        from inspectnet.settings import get_settings

        settings = get_settings()
        _active = Keyring.load(settings.keys_dir, development=settings.development)
    return _active
