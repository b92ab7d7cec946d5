"""The schema as SDL, as checked in at ``schema/schema.graphql``."""

from __future__ import annotations

from inspectnet.graphql.schema import build_schema


def export_sdl() -> str:
    return build_schema(development=True).as_str() + "\n"
