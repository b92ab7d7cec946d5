"""Typer commands: each builds an Actor, opens a session, calls services and commits."""
