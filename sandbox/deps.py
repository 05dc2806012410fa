"""FastAPI dependency: the Sandbox behind the current request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sandbox.service import Sandbox


def get_sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    sandbox.start()  # mounted apps get no lifespan: start on the first request
    return sandbox


SandboxDep = Annotated[Sandbox, Depends(get_sandbox)]
