"""The audit chain's signed checkpoints over HTTP, for departments to keep copies of.

`GET /audit/checkpoints` answers the newest checkpoint, or with `?after=<seq>` those after that
seq, oldest first (at most `MAX_CHECKPOINTS`; ask again after the last); `GET
/audit/checkpoint-key.json` the public key they are signed with, as a JWK Set. Both need no
token: a checkpoint reveals only a seq, a hash and a time, and anyone holding one can later
prove what the chain was (as a transparency log publishes its signed tree heads). A stored
checkpoint that cannot be read is logged and answered with a 500 that names no server path.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from auth.audit.checkpoints import CheckpointError, CheckpointIndex, public_jwks

log = logging.getLogger(__name__)

MAX_CHECKPOINTS: Final = 1000
"""The most checkpoints one answer holds."""
_SEQ: Final = re.compile(r"[0-9]{1,15}")
"""`after`: ASCII digits only (`str.isdigit` also takes `²`, which `int` refuses)."""


def checkpoint_routes(checkpoints_dir: Path, keys_dir: Path) -> list[BaseRoute]:
    """The two routes, reading the checkpoint directory and the key from `keys_dir`."""
    index = CheckpointIndex(checkpoints_dir)

    def checkpoints(request: Request) -> Response:  # sync: file reads run in the threadpool
        after = request.query_params.get("after")
        if after is not None and not _SEQ.fullmatch(after):
            return JSONResponse(
                {"error": "after must be a seq: a whole number of at most 15 digits"},
                status_code=400,
            )
        try:
            if after is None:
                newest = index.latest()
                found = [] if newest is None else [newest]
            else:
                found = index.after(int(after), MAX_CHECKPOINTS)
        except CheckpointError as error:
            log.error("audit: GET /audit/checkpoints cannot answer: %s", error)
            return JSONResponse(
                {"error": "a stored checkpoint cannot be read; the hub's log says which"},
                status_code=500,
            )
        return JSONResponse({"checkpoints": [c.as_json() for c in found]})

    def key(request: Request) -> Response:
        return JSONResponse(public_jwks(keys_dir), media_type="application/jwk-set+json")

    return [
        Route("/audit/checkpoints", checkpoints, methods=["GET"]),
        Route("/audit/checkpoint-key.json", key, methods=["GET"]),
    ]
