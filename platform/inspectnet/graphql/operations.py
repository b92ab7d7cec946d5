"""Reference operations (``schema/operations/*.graphql``) and their persisted-query manifest.

The screens a frontend builds first are kept as documents in the repository; the manifest
(Apollo's ``persisted-query-manifest.json`` format, which ``INSPECTNET_GRAPHQL_PERSISTED_MANIFEST``
reads) registers them for persisted-only mode. ``write_manifest()`` regenerates it; a test keeps
it equal to the documents and runs every document against the schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode, parse

from inspectnet.http.persisted import sha256_of

ROOT = Path(__file__).resolve().parents[3] / "schema"
OPERATIONS = ROOT / "operations"
MANIFEST = ROOT / "persisted-query-manifest.json"


def documents(directory: Path = OPERATIONS) -> dict[str, str]:
    """Each reference operation's document, by file name, in name order."""
    return {path.name: path.read_text("utf-8") for path in sorted(directory.glob("*.graphql"))}


def manifest(directory: Path = OPERATIONS) -> dict[str, Any]:
    """The Apollo persisted-query manifest of the reference operations."""
    operations = []
    for body in documents(directory).values():
        (definition,) = (
            d for d in parse(body).definitions if isinstance(d, OperationDefinitionNode)
        )
        assert definition.name is not None  # every reference operation is named
        operations.append(
            {
                "id": sha256_of(body),
                "name": definition.name.value,
                "type": definition.operation.value,
                "body": body,
            }
        )
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}


def write_manifest(path: Path = MANIFEST) -> None:
    """Regenerate the manifest from ``schema/operations``."""
    path.write_text(json.dumps(manifest(), ensure_ascii=False, indent=2) + "\n", "utf-8")
