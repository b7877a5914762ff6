"""Load and validate the whole catalog, collecting every problem before failing.

A problem is reported as `file:line: key.path: reason`. Unknown keys are errors (models forbid
extras), so a typo never silently falls back to a default. Every rule runs here, at load time:
per-file rules in the models, cross-file rules in platformctl.catalog.rules. A catalog that loads
can always be resolved and rendered; nothing later in the pipeline raises on catalog content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from platformctl.catalog.apis import CATALOG_DIR, ApiEntry, LoadedApi
from platformctl.catalog.base import ENV_NAMES, CatalogModel
from platformctl.catalog.environments import Environment, Platform, resolve_tags
from platformctl.catalog.eventing import EventingCatalog
from platformctl.catalog.streams import StreamEntry
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
    # Every file read, by its display path (config/...), and the document behind each entry.
    sources: dict[str, YamlDocument] = field(default_factory=dict, compare=False, repr=False)
    api_documents: dict[str, YamlDocument] = field(default_factory=dict, compare=False, repr=False)
    stream_documents: dict[str, YamlDocument] = field(default_factory=dict, compare=False, repr=False)

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
            document = read_yaml(path, self.display(path), root=self.root)
        except CatalogError as exc:
            self.problems.extend(exc.problems)
            return None
        self.documents[document.display] = document
        return document

    def validate(self, document: YamlDocument, model: type[M]) -> M | None:
        try:
            # YAML speaks the catalog's spelling only; module names are for the resolver.
            return model.model_validate(document.data, by_alias=True, by_name=False)
        except ValidationError as exc:
            self.problems.extend(validation_problems(document, exc.errors()))
            return None

    def load(self, path: Path, model: type[M]) -> tuple[M, YamlDocument] | None:
        document = self.read(path)
        if document is None:
            return None
        entry = self.validate(document, model)
        return None if entry is None else (entry, document)

    def required(self, path: Path, model: type[M]) -> M | None:
        if not path.exists() and not path.is_symlink():
            self.problems.append(CatalogProblem(self.display(path), "", "file is missing"))
            return None
        loaded = self.load(path, model)
        return None if loaded is None else loaded[0]

    def entries(self, directory: Path, model: type[M], name_key: str) -> dict[str, tuple[M, YamlDocument]]:
        """One entry per *.yaml/*.yml file whose `name_key` must equal the file's stem, once."""
        found: dict[str, tuple[M, YamlDocument]] = {}
        seen: dict[str, str] = {}
        for path in sorted(directory.glob("*.y*ml")) if directory.is_dir() else []:
            if path.suffix not in (".yaml", ".yml"):
                continue
            shown = self.display(path)
            if path.stem in seen:
                self.problems.append(
                    CatalogProblem(
                        shown, "", f"{seen[path.stem]} already defines {path.stem!r}; keep one of the two files"
                    )
                )
                continue
            seen[path.stem] = shown
            loaded = self.load(path, model)
            if loaded is None:
                continue
            entry, document = loaded
            if getattr(entry, name_key) != path.stem:
                self.problems.append(document.problem((name_key,), f"must be {path.stem!r} to match the file name"))
                continue
            found[path.stem] = loaded
        return found


def load_catalog(root: Path) -> Catalog:
    """Read config/ under `root`; raise CatalogError listing every problem found."""
    from platformctl.catalog import rules  # rules read the loaded models; kept apart from I/O

    collector = _Collector(root)
    platform = collector.required(root / "platform.yaml", Platform)

    environments: dict[str, Environment] = {}
    env_documents: dict[str, YamlDocument] = {}
    env_dir = root / "environments"
    for name in ENV_NAMES:
        path = env_dir / f"{name}.yaml"
        if not path.exists() and not path.is_symlink():
            collector.problems.append(CatalogProblem(collector.display(path), "", "file is missing"))
            continue
        loaded = collector.load(path, Environment)
        if loaded is None:
            continue
        env, document = loaded
        if env.name != name:
            collector.problems.append(document.problem(("name",), f"must be {name!r} to match the file name"))
            continue
        environments[name] = env
        env_documents[name] = document
    for stray in sorted(env_dir.glob("*")) if env_dir.is_dir() else []:
        if stray.stem not in ENV_NAMES or stray.suffix != ".yaml":
            collector.problems.append(
                CatalogProblem(
                    collector.display(stray),
                    "",
                    f"unexpected file; environments are {', '.join(f'{e}.yaml' for e in ENV_NAMES)}",
                )
            )

    warehouse = collector.required(root / "warehouse.yaml", WarehouseCatalog)
    eventing = collector.required(root / "eventing.yaml", EventingCatalog)
    streams = collector.entries(root / "streams", StreamEntry, "table")
    apis = collector.entries(root.parent / CATALOG_DIR, ApiEntry, "name")

    context = rules.RuleContext(
        root=root,
        display=collector.display,
        documents=collector.documents,
        platform=platform,
        environments=environments,
        env_documents=env_documents,
        warehouse=warehouse,
        eventing=eventing,
        streams={name: entry for name, (entry, _) in streams.items()},
        stream_documents={name: document for name, (_, document) in streams.items()},
        apis={name: entry for name, (entry, _) in apis.items()},
        api_documents={name: document for name, (_, document) in apis.items()},
        partial=bool(collector.problems),
    )
    collector.problems.extend(rules.check(context))

    if collector.problems or platform is None or warehouse is None or eventing is None:
        raise CatalogError(_unique(collector.problems))
    return Catalog(
        root=root,
        platform=platform,
        environments=environments,
        warehouse=warehouse,
        streams=[entry for entry, _ in streams.values()],
        apis=[entry for entry, _ in apis.values()],
        eventing=eventing,
        sources=collector.documents,
        api_documents=context.api_documents,
        stream_documents=context.stream_documents,
    )


def load_api_catalog(repo_root: Path) -> list[LoadedApi]:
    """Only config/apis: what `platformctl openapi lint-catalog` needs, with the API-only rules."""
    from platformctl.catalog import rules

    root = repo_root / "config"
    collector = _Collector(root)
    apis = collector.entries(repo_root / CATALOG_DIR, ApiEntry, "name")
    context = rules.RuleContext.only_apis(
        root,
        collector.display,
        {n: e for n, (e, _) in apis.items()},
        {n: d for n, (_, d) in apis.items()},
        partial=bool(collector.problems),
    )
    collector.problems.extend(rules.check(context))
    if collector.problems:
        raise CatalogError(_unique(collector.problems))
    return [LoadedApi(entry, document, (repo_root / entry.spec_path).resolve()) for entry, document in apis.values()]


def _unique(problems: list[CatalogProblem]) -> list[CatalogProblem]:
    return list(dict.fromkeys(problems))
