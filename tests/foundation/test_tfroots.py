"""tfroots: one terraform command across roots, a few at a time, reported as each finishes."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from platformctl import tfroots
from platformctl.errors import PlatformError


class FakeTerraform:
    """Records calls; `init` is instant, the command sleeps so overlap can be observed."""

    def __init__(self, fail_init: set[str] = frozenset(), fail_run: set[str] = frozenset()) -> None:
        self.fail_init, self.fail_run = fail_init, fail_run
        self.lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0
        self.calls: list[tuple[str, str]] = []

    def __call__(self, args: Sequence[str], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        verb = args[1]
        with self.lock:
            self.calls.append((verb, root.name))
        if verb == "init":
            code = 1 if root.name in self.fail_init else 0
            return subprocess.CompletedProcess(list(args), code, "", "init failed\n" if code else "")
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        code = 1 if root.name in self.fail_run else 0
        return subprocess.CompletedProcess(list(args), code, f"{root.name} done\nSuccess! 1 passed\n", "")


def _roots(*names: str) -> list[Path]:
    return [Path("/repo/modules") / name for name in names]


def test_commands_overlap_up_to_the_job_count_and_inits_never_do() -> None:
    fake = FakeTerraform()
    seen: list[str] = []
    results = tfroots.run_in_roots("terraform", _roots("a", "b", "c", "d"), ["test"], env_for=lambda root: {},
                                   jobs=2, on_result=lambda r: seen.append(r.root.name), runner=fake)
    assert fake.most_at_once == 2
    inits = [name for verb, name in fake.calls if verb == "init"]
    assert inits == ["a", "b", "c", "d"]
    assert [verb for verb, _ in fake.calls[:4]] == ["init"] * 4, "every init runs before any command"
    assert [r.root.name for r in results] == ["a", "b", "c", "d"], "results keep the order of the roots"
    assert sorted(seen) == ["a", "b", "c", "d"]
    assert all(r.last_line == "Success! 1 passed" for r in results)


def test_a_root_whose_init_fails_is_reported_and_not_run() -> None:
    fake = FakeTerraform(fail_init={"b"}, fail_run={"c"})
    results = tfroots.run_in_roots("terraform", _roots("a", "b", "c"), ["validate"], env_for=lambda root: {},
                                   jobs=4, on_result=lambda r: None, runner=fake)
    assert [(r.root.name, r.returncode) for r in results] == [("a", 0), ("b", 1), ("c", 1)]
    assert ("validate", "b") not in fake.calls
    assert "init failed" in results[1].output


def test_jobs_come_from_the_variable_or_the_cores() -> None:
    assert tfroots.parallel_jobs({}, cpus=3) == 3
    assert tfroots.parallel_jobs({"PLATFORM_TF_JOBS": "1"}, cpus=8) == 1
    for bad in ("0", "-2", "two"):
        with pytest.raises(PlatformError, match="PLATFORM_TF_JOBS"):
            tfroots.parallel_jobs({"PLATFORM_TF_JOBS": bad})


def test_the_longest_root_of_the_last_run_starts_first(tmp_path: Path) -> None:
    history = tmp_path / "durations.json"
    roots = _roots("short", "long", "new")
    results = [tfroots.RootResult(roots[0], 0, "", 5.0), tfroots.RootResult(roots[1], 0, "", 80.0)]
    tfroots.record_durations(results, history)
    assert [r.name for r in tfroots.longest_first(roots, history)] == ["new", "long", "short"]
    history.write_text("not json", encoding="utf-8")
    assert tfroots.longest_first(roots, history) == roots


def test_modules_whose_tests_load_mocks_through_source_are_found(tmp_path: Path) -> None:
    shared, inline = tmp_path / "shared", tmp_path / "inline"
    for module in (shared, inline):
        (module / "tests").mkdir(parents=True)
    (shared / "tests" / "a.tftest.hcl").write_text('mock_provider "aws" {\n  source          = "./tests/mocks"\n}\n')
    (inline / "tests" / "a.tftest.hcl").write_text(
        'mock_provider "aws" {\n  mock_data "aws_region" {\n    defaults = { name = "eu-west-1" }\n  }\n}\n'
        'run "x" {\n  module {\n    source = "./tests/fixture"\n  }\n}\n')
    assert tfroots.uses_mock_sources(shared)
    assert not tfroots.uses_mock_sources(inline), "a run's module source is not a mock source"


def _module(base: Path, name: str, body: str) -> Path:
    module = base / name
    module.mkdir(parents=True, exist_ok=True)
    (module / "main.tf").write_text(body)
    return module


def test_the_digest_follows_local_module_calls_and_nothing_else(tmp_path: Path) -> None:
    called = _module(tmp_path, "called", 'resource "x" "y" {}\n')
    caller = _module(tmp_path, "caller", 'module "c" {\n  source = "../called"\n}\n')
    json_caller = tmp_path / "env"
    json_caller.mkdir()
    (json_caller / "platform.tf.json").write_text('{"module": {"p": {"source": "../called"}}}')
    unrelated = _module(tmp_path, "unrelated", 'resource "x" "z" {}\n')
    before = {m: tfroots.content_digest(m) for m in (caller, json_caller, unrelated)}

    (called / "main.tf").write_text('resource "x" "y" { changed = true }\n')
    after = {m: tfroots.content_digest(m) for m in (caller, json_caller, unrelated)}
    assert after[caller] != before[caller] and after[json_caller] != before[json_caller]
    assert after[unrelated] == before[unrelated]
    assert tfroots.content_digest(unrelated, "terraform 1.11.4") != tfroots.content_digest(unrelated, "opentofu 1.9")


def test_only_a_pass_with_the_same_digest_is_a_cache_hit(tmp_path: Path) -> None:
    a, b = _roots("a", "b")
    cache = tfroots.PassCache(tmp_path / "passed.json")
    cache.record([tfroots.RootResult(a, 0, "", 1.0), tfroots.RootResult(b, 1, "", 1.0)], {a: "d1", b: "d2"})
    reread = tfroots.PassCache(tmp_path / "passed.json")
    assert reread.hit(a, "d1") and not reread.hit(a, "d1-changed")
    assert not reread.hit(b, "d2"), "a failure is never cached"
    reread.record([tfroots.RootResult(a, 1, "", 1.0)], {a: "d1"})
    assert not tfroots.PassCache(tmp_path / "passed.json").hit(a, "d1"), "a later failure drops the pass"


def test_two_writers_of_one_cache_keep_each_others_passes(tmp_path: Path) -> None:
    # `validate` holds its cache from the start of its run while an offline plan marks a root it
    # validated: the later write must merge into the file, not overwrite it with a stale view.
    a, b = _roots("a", "b")
    validate = tfroots.PassCache(tmp_path / "passed.json")
    tfroots.PassCache(tmp_path / "passed.json").mark_passed(b, "planned")
    validate.record([tfroots.RootResult(a, 0, "", 1.0)], {a: "d1"})
    reread = tfroots.PassCache(tmp_path / "passed.json")
    assert reread.hit(a, "d1") and reread.hit(b, "planned")
