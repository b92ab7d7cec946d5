"""GET /downloads/{token}: a single-use, account-bound export link (filings/links.py).

The request carries the account's bearer token as any API call does; the link must have been
issued to that account, and works once.
"""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from inspectnet.accounts.signin import actor_for_token
from inspectnet.errors import DomainError, Unauthenticated
from inspectnet.filings.links import redeem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def download(service: object, request: Request, token: str) -> Response:
    """Serve the export a link names, or a JSON error with a stable code."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    try:
        async with service.database.transaction(write=True) as session:  # type: ignore[attr-defined]
            actor = await actor_for_token(
                session,
                service.settings,  # type: ignore[attr-defined]
                service.policy,  # type: ignore[attr-defined]
                request.headers.get("authorization"),
                request_id,
            )
            data = await redeem(session, actor, token)
    except Unauthenticated as error:
        return JSONResponse({"code": error.code, "message": error.message}, status_code=401)
    except DomainError as error:
        return JSONResponse({"code": error.code, "message": error.message}, status_code=410)
    return Response(
        data,
        media_type=XLSX,
        headers={"content-disposition": 'attachment; filename="inbox.xlsx"'},
    )
