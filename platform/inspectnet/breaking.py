"""``make schema-check``: breaking changes of the live schema against a base branch's SDL.

graphql-core's ``find_breaking_changes`` lists them; a removal passes only if what it removes
was already ``@deprecated`` in the base (a field, an argument, an input field, an enum
value), or, for a type, if every field, argument and input field using it was. Anything else
breaking (a type changed, a required argument added, a nullable field made non-null in an
input, …) fails: deprecate first, remove in a later release.

    python -m inspectnet.breaking [--base main] [--base-file old.graphql]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graphql import (
    BreakingChange,
    BreakingChangeType,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    get_named_type,
)

SCHEMA_PATH = "schema/schema.graphql"
_FIELD = re.compile(r"^Field (\w+)\.(\w+) was removed\.$")
_ARG = re.compile(r"^Argument (\w+)\.(\w+)\((\w+):\) was removed\.$")
_VALUE = re.compile(r"^Enum value (\w+)\.(\w+) was removed\.$")
_TYPE = re.compile(r"^(\w+) was removed\.$")


@dataclass
class Report:
    refused: list[str] = field(default_factory=list)  # breaking, not deprecated first
    allowed: list[str] = field(default_factory=list)  # removals of deprecated things
    dangerous: list[str] = field(default_factory=list)  # may change behaviour; not refused


def compare(old_sdl: str, new_sdl: str) -> Report:
    """Breaking changes from ``old_sdl`` to ``new_sdl``, split by whether deprecation came first."""
    old, new = build_schema(old_sdl), build_schema(new_sdl)
    report = Report(dangerous=[c.description for c in find_dangerous_changes(old, new)])
    for change in find_breaking_changes(old, new):
        target = report.allowed if _deprecated_first(old, change) else report.refused
        target.append(change.description)
    return report


def _deprecated_first(old: GraphQLSchema, change: BreakingChange) -> bool:
    kind, text = change.type, change.description
    if kind is BreakingChangeType.FIELD_REMOVED and (match := _FIELD.match(text)):
        type_ = old.get_type(match[1])
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            return type_.fields[match[2]].deprecation_reason is not None
    if kind is BreakingChangeType.ARG_REMOVED and (match := _ARG.match(text)):
        type_ = old.get_type(match[1])
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType)):
            return type_.fields[match[2]].args[match[3]].deprecation_reason is not None
    if kind is BreakingChangeType.VALUE_REMOVED_FROM_ENUM and (match := _VALUE.match(text)):
        type_ = old.get_type(match[1])
        if isinstance(type_, GraphQLEnumType):
            return type_.values[match[2]].deprecation_reason is not None
    if kind is BreakingChangeType.TYPE_REMOVED and (match := _TYPE.match(text)):
        uses = list(_uses_of(old, match[1]))
        return bool(uses) and all(deprecated for deprecated in uses)
    return False


def _uses_of(schema: GraphQLSchema, type_name: str) -> Iterator[bool]:
    """For every field, argument or input field whose type is ``type_name``: is it deprecated?"""
    for type_ in schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_ in type_.fields.values():
                if get_named_type(field_.type).name == type_name:
                    yield field_.deprecation_reason is not None
                for arg in field_.args.values():
                    if get_named_type(arg.type).name == type_name:
                        yield (
                            arg.deprecation_reason is not None
                            or field_.deprecation_reason is not None
                        )
        elif isinstance(type_, GraphQLInputObjectType):
            for input_field in type_.fields.values():
                if get_named_type(input_field.type).name == type_name:
                    yield input_field.deprecation_reason is not None


def base_sdl(base: str) -> str | None:
    """``schema/schema.graphql`` as committed on ``base``, or None if it has none there."""
    completed = subprocess.run(
        ["git", "show", f"{base}:{SCHEMA_PATH}"], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        if "does not exist" in completed.stderr or "exists on disk, but not in" in completed.stderr:
            return None
        raise SystemExit(
            f"schema-check: cannot read {SCHEMA_PATH} on {base}: {completed.stderr.strip()}"
        )
    return completed.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git ref whose SDL is the contract")
    parser.add_argument("--base-file", type=Path, help="compare against this SDL file instead")
    parser.add_argument("--schema-file", type=Path, help="the new SDL (default: the live schema)")
    args = parser.parse_args(argv)
    old_sdl = args.base_file.read_text("utf-8") if args.base_file else base_sdl(args.base)
    if old_sdl is None:
        print(f"schema-check: {args.base} has no {SCHEMA_PATH}; nothing to compare")
        return 0
    if args.schema_file:
        new_sdl = args.schema_file.read_text("utf-8")
    else:
        from inspectnet.schema import export_sdl

        new_sdl = export_sdl()
    report = compare(old_sdl, new_sdl)
    for line in report.dangerous:
        print(f"dangerous: {line}")
    for line in report.allowed:
        print(f"removed after deprecation: {line}")
    for line in report.refused:
        print(f"BREAKING (deprecate it first): {line}", file=sys.stderr)
    if report.refused:
        return 1
    print(f"schema-check: no breaking change against {args.base_file or args.base}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
