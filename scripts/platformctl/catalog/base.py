"""Shared base for every catalog model: strict (unknown keys are errors) and immutable."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ENV_NAMES = ("local", "dev", "staging", "prod")


# Regex -> what it allows, in words: a failed pattern is reported with these words, never as a
# regular expression (see yamlsource.validation_problems).
PATTERN_WORDS: dict[str, str] = {}


def pattern_str(pattern: str, allowed: str, **constraints: Any) -> Any:
    """A string type constrained by `pattern`, whose failure message says `allowed` in words."""
    PATTERN_WORDS[pattern] = allowed
    return Annotated[str, StringConstraints(pattern=pattern, **constraints)]


class CatalogModel(BaseModel):
    """Base for catalog entries. `extra="forbid"` turns a typo into an error with its key path."""

    # A field whose catalog spelling differs from its module variable carries the catalog key as
    # validation_alias: YAML is read by alias only (see loader), the resolver builds models by
    # field name, and model_dump() always speaks the module's variable names.
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, validate_by_name=True, validate_by_alias=True
    )


# [0-9], not \d: \d also matches Arabic-Indic and other Unicode digits, which no AWS API accepts.
AccountId = pattern_str(r"^[0-9]{12}$", "exactly 12 digits 0-9 (quote it in YAML so leading zeros survive)")
# Lower-case, dash separated identifiers: they end up in resource names in every account.
Slug = pattern_str(
    r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$",
    "2-40 lower-case letters, digits or '-', starting with a letter and not ending with '-'",
)
# Glue/Iceberg identifiers are lower-case with underscores.
SnakeName = pattern_str(
    r"^[a-z][a-z0-9_]{0,254}$", "lower-case letters, digits and underscores, starting with a letter"
)
TagValue = Annotated[str, StringConstraints(min_length=1, max_length=256)]
PositiveInt = Annotated[int, Field(gt=0)]

_TAG_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,127}$")


def is_tag_key(key: str) -> bool:
    return bool(_TAG_KEY.match(key))


def repeated(items: Iterable[str]) -> list[str]:
    """Items that occur more than once, sorted; linear in the number of items."""
    return sorted(item for item, count in Counter(items).items() if count > 1)
