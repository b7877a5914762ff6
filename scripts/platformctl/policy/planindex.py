"""An index over `terraform show -json` output: resources by address, their configuration expressions,
references resolved to the resources they point at, and the .tf file and line that declares each one.

Values unknown until apply are left out of `planned_values`; the `configuration` section still says where
they come from (`"references": ["aws_iam_role.delivery", "each.key"]`), so rules that correlate resources
(a stream and its role, a stage and its WAF association) follow references when values are not known yet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from platformctl.paths import ROOT

_INDEX = re.compile(r"\[(\d+|\"(?:[^\"\\]|\\.)*\")\]")


def split_address(address: str) -> list[str]:
    """Split on dots outside brackets and quotes: module.a["x.y"].aws_b.c[0] -> [module, a["x.y"], aws_b, c[0]]."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for char in address:
        if quoted:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == '"':
            quoted = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _name_and_index(part: str) -> tuple[str, Any]:
    match = _INDEX.search(part)
    if not match:
        return part, None
    raw = match.group(1)
    return part[: match.start()], (json.loads(raw) if raw.startswith('"') else int(raw))


@dataclass(frozen=True)
class Address:
    """A parsed resource address."""

    modules: tuple[tuple[str, Any], ...]  # (call name, instance key or None) from the root down
    mode: str  # managed | data
    type: str
    name: str
    index: Any

    @classmethod
    def parse(cls, address: str) -> Address:
        parts = split_address(address)
        modules: list[tuple[str, Any]] = []
        while len(parts) > 2 and parts[0] == "module":
            modules.append(_name_and_index(parts[1]))
            parts = parts[2:]
        mode = "managed"
        if parts[0] == "data":
            mode, parts = "data", parts[1:]
        name, index = _name_and_index(parts[1])
        return cls(tuple(modules), mode, parts[0], name, index)

    @property
    def module_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.modules)


def _render_index(index: Any) -> str:
    if index is None:
        return ""
    return f"[{json.dumps(index)}]"


def module_instance(modules: tuple[tuple[str, Any], ...]) -> str:
    return ".".join(f"module.{name}{_render_index(key)}" for name, key in modules)


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


def _walk_modules(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield module
    for child in module.get("child_modules", []) or []:
        yield from _walk_modules(child)


class PlanIndex:
    def __init__(self, plan: dict[str, Any], root_dir: Path | None = None, label: str = "") -> None:
        self.plan = plan
        self.root_dir = root_dir
        self.label = label
        changes = {c["address"]: c for c in plan.get("resource_changes", []) or []}
        self.resources: dict[str, PlanResource] = {}
        root = (plan.get("planned_values") or {}).get("root_module") or {}
        for module in _walk_modules(root):
            for raw in module.get("resources", []) or []:
                parsed = Address.parse(raw["address"])
                change = (changes.get(raw["address"]) or {}).get("change") or {}
                if change.get("actions") == ["delete"]:
                    continue
                self.resources[raw["address"]] = PlanResource(
                    address=raw["address"], mode=raw.get("mode", parsed.mode), type=raw["type"], name=raw["name"],
                    index=raw.get("index"), module=module_instance(parsed.modules), values=raw.get("values") or {},
                    after_unknown=change.get("after_unknown") or {},
                )
        self._source_cache: dict[Path, list[str]] = {}

    @classmethod
    def load(cls, path: Path, root_dir: Path | None = None, label: str = "") -> PlanIndex:
        return cls(json.loads(path.read_text()), root_dir=root_dir, label=label)

    # -- lookups -------------------------------------------------------------------------------
    def of_type(self, *types: str, mode: str = "managed") -> list[PlanResource]:
        return [r for r in self.resources.values() if r.type in types and r.mode == mode]

    def _config_module(self, names: tuple[str, ...]) -> dict[str, Any] | None:
        module = (self.plan.get("configuration") or {}).get("root_module") or {}
        for name in names:
            call = (module.get("module_calls") or {}).get(name)
            if not call:
                return None
            module = call.get("module") or {}
        return module

    def _module_call(self, names: tuple[str, ...]) -> dict[str, Any] | None:
        if not names:
            return None
        parent = self._config_module(names[:-1])
        return ((parent or {}).get("module_calls") or {}).get(names[-1])

    def config(self, resource: PlanResource) -> dict[str, Any]:
        module = self._config_module(resource.parsed.module_names) or {}
        local = f"{resource.type}.{resource.name}"
        if resource.mode == "data":
            local = f"data.{local}"
        return next((c for c in module.get("resources", []) or [] if c.get("address") == local), {})

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
                name, key = _name_and_index(parts[1])
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
            name, index = _name_and_index(parts[1])
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

        def walk(module: dict[str, Any], names: tuple[str, ...], directory: Path | None) -> None:
            for name, call in (module.get("module_calls") or {}).items():
                source = str(call.get("source") or "")
                child_dir = (directory / source).resolve() if directory and source.startswith(("./", "../")) else None
                dirs[(*names, name)] = child_dir
                walk(call.get("module") or {}, (*names, name), child_dir)

        walk((self.plan.get("configuration") or {}).get("root_module") or {}, (), self.root_dir)
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
