"""Shared base for every catalog model: strict (unknown keys are errors) and immutable."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ENV_NAMES = ("local", "dev", "staging", "prod")


class CatalogModel(BaseModel):
    """Base for catalog entries. `extra="forbid"` turns a typo into an error with its key path."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


AccountId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
# Lower-case, dash separated identifiers: they end up in resource names in every account.
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")]
# Glue/Iceberg identifiers are lower-case with underscores.
SnakeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,254}$")]
TagValue = Annotated[str, StringConstraints(min_length=1, max_length=256)]
PositiveInt = Annotated[int, Field(gt=0)]

_TAG_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,127}$")


def is_tag_key(key: str) -> bool:
    return bool(_TAG_KEY.match(key))
