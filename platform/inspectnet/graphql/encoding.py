"""JSON bodies that can always be sent, even when they repeat a lone surrogate.

A request may carry ``"\\ud800"`` (valid JSON, not valid Unicode text); GraphQL's own coercion
errors repeat what they were given, and encoding that to UTF-8 failed after the answer was
built, turning a refusal into a 500. A lone surrogate is written back as its JSON escape, which
is what the client sent.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse


class JSONBody(JSONResponse):
    """Starlette's JSONResponse, but a lone surrogate is written as ``\\udXXX``."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        # Inside a JSON string, the backslash escape of a surrogate is a valid \uXXXX escape.
        return text.encode("utf-8", errors="backslashreplace")
