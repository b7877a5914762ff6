"""Catalog messages are words a service team can act on: no regular expression ever reaches them."""

from __future__ import annotations

import re
from typing import Any

from platformctl.catalog.apis import ApiEntry
from platformctl.catalog.base import PATTERN_WORDS
from platformctl.catalog.environments import Environment, Platform
from platformctl.catalog.eventing import EventingCatalog
from platformctl.catalog.streams import StreamEntry
from platformctl.catalog.warehouse import WarehouseCatalog

FILE_MODELS = (ApiEntry, Environment, Platform, EventingCatalog, StreamEntry, WarehouseCatalog)


def patterns(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            found.add(node["pattern"])
        for key, value in node.items():
            if key != "patternProperties":
                found |= patterns(value)
            else:
                found |= set(value) | patterns(list(value.values()))
    elif isinstance(node, list):
        for value in node:
            found |= patterns(value)
    return found


def test_every_pattern_of_every_catalog_file_is_described_in_words() -> None:
    used = set().union(*(patterns(model.model_json_schema()) for model in FILE_MODELS))
    assert used, "the catalog models use patterns; the walk found none"
    assert sorted(used - set(PATTERN_WORDS)) == []
    for pattern in used:
        # Words, not a regex: no anchors, escapes or repetition counts.
        assert not re.search(r"[\\^$]|\{[0-9]", PATTERN_WORDS[pattern]), PATTERN_WORDS[pattern]
