"""What a server is started with: limits and the checker's options.

Settings travel to uvicorn's worker processes in an environment variable (workers are
started afresh and build their own app from it), so they are plain JSON.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field

from mtcheck.policy.options import Options

ENV_VAR = "MTCHECK_SERVE_SETTINGS"
DEFAULT_MAX_BODY_BYTES = 5_000_000


class ServeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: int = Field(DEFAULT_MAX_BODY_BYTES, gt=0, description="Larger request bodies get 413.")
    request_timeout: float = Field(30.0, gt=0, description="Seconds a request may take, body upload included.")
    max_concurrent: int = Field(64, gt=0, description="Requests in progress at once per worker; more get 503.")
    check_threads: int = Field(
        1, gt=0, description="Checks run at once in one worker. More share the same core and contend for the "
                             "GIL (fewer requests a second); they let a short check proceed beside a long one.")
    options: Options = Field(default_factory=Options, description="What every request is checked with "
                                                                   "(the config merged with the command line).")
    allowed_hosts: tuple[str, ...] | None = Field(
        None, description="Host header names served (None: any); a loopback server serves only loopback names.")
    api_token: str | None = Field(
        None, min_length=16, description="When set, /v1 and /v2 requests must carry it (Authorization: Bearer, or "
                                         "apiKey); from the MTCHECK_API_TOKEN environment variable.")
    cors_origins: tuple[str, ...] = Field(
        (), description="Origins (scheme://host[:port]) whose pages may call the API from a browser; none by "
                        "default.")

    def to_env(self) -> None:
        os.environ[ENV_VAR] = self.model_dump_json()

    @classmethod
    def from_env(cls) -> ServeSettings:
        raw = os.environ.get(ENV_VAR)
        return cls.model_validate_json(raw) if raw else cls()
