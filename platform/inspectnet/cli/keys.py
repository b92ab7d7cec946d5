"""``inspectnet keys``: the keyring's files, written offline and mounted as a Secret."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from inspectnet import keyring
from inspectnet.keyring import KeyringError, Purpose
from inspectnet.settings import ConfigurationError, get_settings

keys_app = typer.Typer(
    help="The keyring (audit, identity, links, ids, factors).", no_args_is_help=True
)

DirOption = Annotated[
    Path | None,
    typer.Option("--dir", help="Keys directory (default: INSPECTNET_KEYS_DIR)", file_okay=False),
]


def _keys_dir(given: Path | None) -> Path:
    if given is not None:
        return given
    try:
        configured = get_settings().keys_dir
    except ConfigurationError as error:
        print(error.code, file=sys.stderr)
        raise typer.Exit(2) from None
    if configured is None:
        print("keys: give --dir or set INSPECTNET_KEYS_DIR", file=sys.stderr)
        raise typer.Exit(2)
    return configured


def _refuse(error: KeyringError) -> typer.Exit:
    print(f"keys: {error}", file=sys.stderr)
    return typer.Exit(2)


@keys_app.command("init")
def init(keys_dir: DirOption = None) -> None:
    """Write a first key for every purpose into an empty keys directory."""
    directory = _keys_dir(keys_dir)
    try:
        made = keyring.init(directory)
    except KeyringError as error:
        raise _refuse(error) from None
    for key in made:
        typer.echo(f"{key.purpose.value}: version {key.version} written to {directory}")


@keys_app.command("rotate")
def rotate(
    purpose: Annotated[Purpose, typer.Option(help="Which key to rotate")],
    keys_dir: DirOption = None,
) -> None:
    """Add a new current version of one purpose's key; old versions stay for reading."""
    directory = _keys_dir(keys_dir)
    if not directory.is_dir():
        print(f"keys: {directory} is not a directory (`inspectnet keys init`)", file=sys.stderr)
        raise typer.Exit(2)
    try:
        key = keyring.rotate(directory, purpose)
    except KeyringError as error:
        raise _refuse(error) from None
    typer.echo(
        f"{purpose.value}: version {key.version} is now current in {directory / purpose.value}; "
        "apply the Secret and restart the pods"
    )


@keys_app.command("list")
def list_keys(keys_dir: DirOption = None) -> None:
    """Each purpose's versions, which one is current and where they come from; never a secret."""
    try:
        settings = get_settings()
    except ConfigurationError as error:
        print(error.code, file=sys.stderr)
        raise typer.Exit(2) from None
    directory = keys_dir if keys_dir is not None else settings.keys_dir
    try:
        ring = keyring.Keyring.load(directory, development=settings.development)
    except KeyringError as error:
        raise _refuse(error) from None
    where = keyring.sources(directory)
    missing = set(ring.missing())
    for purpose in Purpose:
        if purpose in missing:
            typer.echo(f"{purpose.value}: no key")
            continue
        keys = ring.versions(purpose)
        versions = ", ".join(str(key.version) for key in keys)
        source = where[purpose] or "development key (derived from the published seed)"
        typer.echo(
            f"{purpose.value}: current {keys[0].version}; versions {versions}; from {source}"
        )
    if missing:
        raise typer.Exit(1)
