"""Property: any edit of a valid catalog is either accepted and renders, or refused with problems
that each name a config/ file. No other exception, ever, and nothing is rendered from a refused one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platformctl import generate
from platformctl.catalog import load_catalog
from platformctl.errors import CatalogError
from platformctl.paths import CONFIG_DIR

FILES = sorted(
    str(path.relative_to(CONFIG_DIR)) for path in CONFIG_DIR.rglob("*.yaml") if "specs" not in path.parts
)
ORIGINAL = {name: yaml.safe_load((CONFIG_DIR / name).read_text(encoding="utf-8")) for name in FILES}

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", "[bold]x[/bold]", "٢١٠٠٠٠٠٠٠٠٠٣", "eu-west-9", "arn:aws:acm:us-east-1:1:certificate/x", "0"]),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
)


def key_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            paths += key_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths += key_paths(value, (*prefix, index))
    return paths


def mutated(document: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    import copy

    document = copy.deepcopy(document)
    node = document
    for part in path[:-1]:
        node = node[part]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return document


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, Any]:
    name = draw(st.sampled_from(FILES))
    paths = key_paths(ORIGINAL[name])
    path = draw(st.sampled_from(paths))
    return name, mutated(ORIGINAL[name], path, draw(values), draw(st.booleans()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=edits())
def test_any_edit_is_accepted_or_refused_with_file_named_problems(tmp_path: Path, edit: tuple[str, Any]) -> None:
    config = tmp_path / "config"
    if not config.exists():
        shutil.copytree(CONFIG_DIR, config)
    name, document = edit
    target = config / name
    original = target.read_bytes()
    target.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        try:
            catalog = load_catalog(config)
        except CatalogError as error:
            assert error.problems
            for problem in error.problems:
                assert str(problem).startswith("config/"), problem
            return
        # Accepted: resolving and rendering every environment must then work too.
        files = generate.render_all(catalog, tmp_path / "envs", tmp_path / "modules")
        assert any(content for content in files.values())
    finally:
        target.write_bytes(original)
