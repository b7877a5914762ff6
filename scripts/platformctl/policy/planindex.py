"""An index over `terraform show -json` output: resources by address, their configuration expressions,
references resolved to the resources they point at, and the .tf file and line that declares each one.

Values unknown until apply are left out of `planned_values`; the `configuration` section still says where
they come from (`"references": ["aws_iam_role.delivery", "each.key"]`), so rules that correlate resources
(a stream and its role, a stage and its WAF association) follow references when values are not known yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from platformctl.paths import ROOT
from platformctl.planjson import Address, Plan, module_instance, name_and_index, split_address

__all__ = ["Address", "PlanIndex", "PlanResource", "module_instance", "relative", "split_address"]

@dataclass
class PlanResource:
    address: str
    mode: str
    type: str
    name: str
    index: Any
    module: str  # module instance address, "" for the root module
    values: dict[str, Any]
    after_unknown: dict[str, Any] = field(default_factory=dict)

    @property
    def parsed(self) -> Address:
        return Address.parse(self.address)

    def known(self, key: str) -> bool:
        return key in self.values

    def unknown(self, key: str) -> bool:
        """Unknown until apply: left out of planned values and flagged in after_unknown."""
        return key not in self.values and bool(self.after_unknown.get(key))


class PlanIndex:
    def __init__(self, plan: dict[str, Any] | Plan, root_dir: Path | None = None, label: str = "") -> None:
        self.reader = Plan.of(plan)
        self.plan = self.reader.document
        self.root_dir = root_dir
        self.label = label
        changes = self.reader.by_address
        self.resources: dict[str, PlanResource] = {}
        for raw in self.reader.planned_resources():
            change = changes.get(raw["address"])
            if change is not None and not change.kept:
                continue
            parsed = Address.parse(raw["address"])
            self.resources[raw["address"]] = PlanResource(
                address=raw["address"], mode=raw.get("mode", parsed.mode), type=raw["type"], name=raw["name"],
                index=raw.get("index"), module=parsed.module, values=raw.get("values") or {},
                after_unknown=change.after_unknown if change else {},
            )
        self._source_cache: dict[Path, list[str]] = {}

    @classmethod
    def load(cls, path: Path, root_dir: Path | None = None, label: str = "") -> PlanIndex:
        return cls(Plan.load(path), root_dir=root_dir, label=label)

    # -- lookups -------------------------------------------------------------------------------
    def of_type(self, *types: str, mode: str = "managed") -> list[PlanResource]:
        return [r for r in self.resources.values() if r.type in types and r.mode == mode]

    def _config_module(self, names: tuple[str, ...]) -> dict[str, Any] | None:
        return self.reader.config_module(names)

    def _module_call(self, names: tuple[str, ...]) -> dict[str, Any] | None:
        if not names:
            return None
        parent = self._config_module(names[:-1])
        return ((parent or {}).get("module_calls") or {}).get(names[-1])

    def config(self, resource: PlanResource) -> dict[str, Any]:
        return self.reader.resource_config(resource.parsed)

    def expression(self, resource: PlanResource, *path: str | int) -> dict[str, Any] | None:
        """The configuration expression at a path such as ("iceberg_configuration", 0, "role_arn")."""
        node: Any = self.config(resource).get("expressions") or {}
        for step in path:
            if isinstance(step, int):
                node = node[step] if isinstance(node, list) and len(node) > step else None
            else:
                node = node.get(step) if isinstance(node, dict) else None
            if node is None:
                return None
        return node if isinstance(node, dict) else None

    def configured(self, resource: PlanResource, *path: str | int) -> bool:
        """The configuration sets this attribute (to a constant or an expression)."""
        return self.expression(resource, *path) is not None

    # -- references ----------------------------------------------------------------------------
    def references(self, resource: PlanResource, *path: str | int) -> list[PlanResource]:
        """The resources an attribute's expression points at, resolved in the resource's module instance."""
        expression = self.expression(resource, *path)
        refs = list((expression or {}).get("references") or [])
        if any(r.startswith("each.") for r in refs):
            # each.value of `for_each = aws_s3_bucket.this` is the instance with the same key.
            for_each = self.config(resource).get("for_each_expression") or {}
            refs += [r for r in for_each.get("references") or [] if not r.startswith(("var.", "local."))]
        return self._resolve(refs, resource.parsed.modules, resource.index, depth=0)

    def _resolve(self, refs: list[str], modules: tuple[tuple[str, Any], ...], own_index: Any,
                 depth: int) -> list[PlanResource]:
        if depth > 8:
            return []
        found: dict[str, PlanResource] = {}
        per_instance = any(r in ("each.key", "each.value", "count.index") or r.startswith("each.") for r in refs)
        for ref in refs:
            parts = split_address(ref)
            if parts[0] == "var" and len(parts) > 1 and modules:
                call = self._module_call(tuple(n for n, _ in modules)) or {}
                outer = ((call.get("expressions") or {}).get(parts[1]) or {}).get("references") or []
                for r in self._resolve(list(outer), modules[:-1], modules[-1][1], depth + 1):
                    found[r.address] = r
                continue
            if parts[0] == "module" and len(parts) > 2:
                name, key = name_and_index(parts[1])
                child = self._config_module((*(n for n, _ in modules), name)) or {}
                output = ((child.get("outputs") or {}).get(parts[2]) or {}).get("expression") or {}
                for r in self._resolve(list(output.get("references") or []), (*modules, (name, key)), None, depth + 1):
                    found[r.address] = r
                continue
            if parts[0] in ("local", "each", "count", "path", "terraform", "self", "var", "module"):
                continue
            mode = "managed"
            if parts[0] == "data":
                mode, parts = "data", parts[1:]
            if len(parts) < 2:
                continue
            rtype = parts[0]
            name, index = name_and_index(parts[1])
            candidates = [r for r in self.resources.values() if r.mode == mode and r.type == rtype and r.name == name
                          and self._in_instance(r, modules)]
            if index is not None:
                candidates = [r for r in candidates if r.index == index]
            elif len(candidates) > 1 and per_instance and own_index is not None:
                same = [r for r in candidates if r.index == own_index]
                candidates = same or candidates
            for r in candidates:
                found[r.address] = r
        return list(found.values())

    def _in_instance(self, resource: PlanResource, modules: tuple[tuple[str, Any], ...]) -> bool:
        theirs = resource.parsed.modules
        if len(theirs) != len(modules):
            return False
        # A module instance key of None in `modules` (an unresolved parent) matches any instance.
        return all(a == b[0] and (k is None or k == b[1]) for (a, k), b in zip(modules, theirs, strict=True))

    # -- sources -------------------------------------------------------------------------------
    @cached_property
    def _module_dirs(self) -> dict[tuple[str, ...], Path | None]:
        dirs: dict[tuple[str, ...], Path | None] = {(): self.root_dir}
        for names, module in self.reader.config_modules():  # parents come before their children
            directory = dirs.get(names)
            for name, call in (module.get("module_calls") or {}).items():
                source = str(call.get("source") or "")
                local = directory is not None and source.startswith(("./", "../"))
                dirs[(*names, name)] = (directory / source).resolve() if local else None
        return dirs

    def module_dir(self, resource: PlanResource) -> Path | None:
        return self._module_dirs.get(resource.parsed.module_names)

    def _lines(self, path: Path) -> list[str]:
        if path not in self._source_cache:
            self._source_cache[path] = path.read_text(errors="replace").splitlines()
        return self._source_cache[path]

    def locate(self, resource: PlanResource) -> tuple[Path, int] | None:
        """The .tf file and 1-based line of the block that declares the resource, when the source is local."""
        directory = self.module_dir(resource)
        if directory is None or not directory.is_dir():
            return None
        keyword = "data" if resource.mode == "data" else "resource"
        pattern = re.compile(rf'^\s*{keyword}\s+"{re.escape(resource.type)}"\s+"{re.escape(resource.name)}"\s*\{{')
        for path in sorted(directory.glob("*.tf")):
            for number, line in enumerate(self._lines(path), start=1):
                if pattern.match(line):
                    return path, number
        return None

    def block_text(self, resource: PlanResource) -> tuple[Path, int, list[str]] | None:
        """The declaring block's lines (brace-matched from the header), for reading inline skip comments."""
        located = self.locate(resource)
        if not located:
            return None
        path, start = located
        lines = self._lines(path)
        depth = 0
        for end in range(start - 1, len(lines)):
            depth += lines[end].count("{") - lines[end].count("}")
            if depth <= 0 and end >= start - 1 and "{" in "".join(lines[start - 1 : end + 1]):
                return path, start, lines[start - 1 : end + 1]
        return path, start, lines[start - 1 :]


def relative(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
