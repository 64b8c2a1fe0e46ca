"""A rule pack's manifest (`mtcheck-pack.toml`) as a model: read only when a pack is enabled,
so that runs without packs do not load pydantic (see `mtcheck.core.packs`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from mtcheck.core.packs import NAME_PATTERN


class PackManifest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(pattern=NAME_PATTERN, description="What configs and --pack enable it by.")
    version: str = Field(min_length=1)
    description: str = ""
    source_languages: list[str] = Field(default_factory=list,
                                        description="ISO 639 codes of the languages its pairs translate from.")
