"""What a server is started with: limits and the checker's rule options.

Settings travel to uvicorn's worker processes in an environment variable (workers are
started afresh and build their own app from it), so they are plain JSON.
"""

from __future__ import annotations

import os
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

ENV_VAR = "MTCHECK_SERVE_SETTINGS"
DEFAULT_MAX_BODY_BYTES = 5_000_000


class ServeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: int = Field(DEFAULT_MAX_BODY_BYTES, gt=0, description="Larger request bodies get 413.")
    request_timeout: float = Field(30.0, gt=0, description="Seconds a request may take, body upload included.")
    max_concurrent: int = Field(64, gt=0, description="Requests in progress at once per worker; more get 503.")
    check_threads: int = Field(
        2, gt=0, description="Checks run at once in one worker (more only share the same core).")
    pairs: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    default_pairs: bool = True
    allowed_hosts: Optional[tuple[str, ...]] = Field(
        None, description="Host header names served (None: any); a loopback server serves only loopback names.")

    def to_env(self) -> None:
        os.environ[ENV_VAR] = self.model_dump_json()

    @classmethod
    def from_env(cls) -> "ServeSettings":
        raw = os.environ.get(ENV_VAR)
        return cls.model_validate_json(raw) if raw else cls()
