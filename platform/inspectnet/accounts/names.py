"""How a token and the command line name an account: ``officecode/username``."""

from __future__ import annotations


def sign_in_name(office_code: str, username: str) -> str:
    """How a token's ``sub`` names an account: ``officecode/username``.

    Usernames are unique within an office only, so the office's code makes the name
    unambiguous; both are fixed when the account is made (codes never change), so it is stable.
    """
    return f"{office_code}/{username}"


def parse_sign_in_name(text: str) -> tuple[str, str] | None:
    """``(office_code, username)`` from ``officecode/username``; None for any other form."""
    office_code, sep, username = text.rpartition("/")
    if not sep or not office_code or not username:
        return None
    return office_code, username
