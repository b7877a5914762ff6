"""Load and validate the whole catalog, collecting every problem before failing.

A problem is reported as `file:line: key.path: reason`. Unknown keys are errors (models forbid
extras), so a typo never silently falls back to a default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from platformctl.catalog.apis import ApiEntry, load_api_entries
from platformctl.catalog.base import ENV_NAMES, CatalogModel
from platformctl.catalog.environments import Environment, Platform, missing_mandatory_tags, resolve_tags
from platformctl.catalog.eventing import EventingCatalog
from platformctl.catalog.streams import StreamEntry, load_stream_entries
from platformctl.catalog.warehouse import WarehouseCatalog
from platformctl.catalog.yamlsource import YamlDocument, read_yaml, validation_problems
from platformctl.errors import CatalogError, CatalogProblem

M = TypeVar("M", bound=CatalogModel)


@dataclass(frozen=True)
class Catalog:
    root: Path
    platform: Platform
    environments: dict[str, Environment]
    warehouse: WarehouseCatalog
    streams: list[StreamEntry]
    apis: list[ApiEntry]
    eventing: EventingCatalog
    sources: dict[str, YamlDocument] = field(default_factory=dict, compare=False, repr=False)

    def environment(self, name: str) -> Environment:
        return self.environments[name]

    def tags(self, env: str) -> dict[str, str]:
        return resolve_tags(self.platform, self.environments[env])


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[CatalogProblem] = []
        self.documents: dict[str, YamlDocument] = {}

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def read(self, path: Path) -> YamlDocument | None:
        try:
            document = read_yaml(path, self.display(path))
        except CatalogError as exc:
            self.problems.extend(exc.problems)
            return None
        self.documents[document.display] = document
        return document

    def validate(self, document: YamlDocument, model: type[M], context: dict[str, Any] | None = None) -> M | None:
        try:
            return model.model_validate(document.data, context=context)
        except ValidationError as exc:
            self.problems.extend(validation_problems(document, exc.errors()))
            return None


def load_catalog(root: Path) -> Catalog:
    """Read config/ under `root`; raise CatalogError listing every problem found."""
    collector = _Collector(root)
    platform_doc = collector.read(root / "platform.yaml") if (root / "platform.yaml").is_file() else None
    if platform_doc is None and not collector.problems:
        collector.problems.append(CatalogProblem(collector.display(root / "platform.yaml"), "", "file is missing"))
    platform = collector.validate(platform_doc, Platform) if platform_doc else None

    environments: dict[str, Environment] = {}
    env_dir = root / "environments"
    for name in ENV_NAMES:
        path = env_dir / f"{name}.yaml"
        if not path.is_file():
            collector.problems.append(CatalogProblem(collector.display(path), "", "file is missing"))
            continue
        document = collector.read(path)
        if document is None:
            continue
        env = collector.validate(document, Environment)
        if env is None:
            continue
        if env.name != name:
            collector.problems.append(document.problem(("name",), f"must be {name!r} to match the file name"))
            continue
        environments[name] = env
        if platform is not None:
            for tag in missing_mandatory_tags(resolve_tags(platform, env)):
                collector.problems.append(
                    document.problem(("tags",), f"mandatory tag {tag} has no value here or in config/platform.yaml")
                )
    for stray in sorted(env_dir.glob("*.y*ml")) if env_dir.is_dir() else []:
        if stray.stem not in ENV_NAMES:
            collector.problems.append(
                CatalogProblem(
                    collector.display(stray), "", f"unknown environment; expected one of {', '.join(ENV_NAMES)}"
                )
            )

    warehouse = _single_file(collector, root / "warehouse.yaml", WarehouseCatalog)
    eventing = _single_file(collector, root / "eventing.yaml", EventingCatalog)
    streams: list[StreamEntry] = []
    try:
        streams = load_stream_entries(root / "streams", root.parent)
    except CatalogError as exc:
        collector.problems.extend(exc.problems)

    apis: list[ApiEntry] = []
    try:
        apis = [loaded.entry for loaded in load_api_entries(root.parent)]
    except CatalogError as exc:
        collector.problems.extend(exc.problems)

    if collector.problems or platform is None or warehouse is None or eventing is None:
        raise CatalogError(collector.problems)
    return Catalog(root=root, platform=platform, environments=environments, warehouse=warehouse,
                   streams=streams, apis=apis, eventing=eventing, sources=collector.documents)


def _single_file(collector: _Collector, path: Path, model: type[M]) -> M | None:
    if not path.is_file():
        collector.problems.append(CatalogProblem(collector.display(path), "", "file is missing"))
        return None
    document = collector.read(path)
    return collector.validate(document, model) if document else None
