"""The offline plan cache: a finished plan also counts as a passed `terraform validate` of its root."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from platformctl import plancache, tfroots
from platformctl.paths import ENVS_DIR
from platformctl.tfrun import TerraformError
from platformctl.toolchain import Toolchain


class FakeRunner:
    """Stands in for EnvRunner: "plans" by writing plan.json, or fails like terraform would."""

    fail = False

    def __init__(self, _toolchain: object, _inputs: object, *, work_dir: Path, **_: Any) -> None:
        self.work_dir = work_dir

    @contextmanager
    def session(self) -> Iterator[FakeRunner]:
        yield self

    def init(self) -> None:
        pass

    def plan(self, out: Path, **_: Any) -> int:
        if self.fail:
            raise TerraformError("terraform plan failed in envs/dev (exit 1)")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.with_suffix(".json").write_text("{}", encoding="utf-8")
        return 0


@pytest.fixture
def fake_planning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    toolchain = Toolchain(
        terraform="terraform", version=(1, 11, 4), cli_config=tmp_path / "rc", plugin_cache=tmp_path, mirror=None
    )
    monkeypatch.setattr(plancache, "PLANS_DIR", tmp_path / "plans")
    monkeypatch.setattr(plancache, "cached_plan", lambda env: tmp_path / "plans" / "d1" / env / "plan.json")
    monkeypatch.setattr(plancache, "ensure_toolchain", lambda: toolchain)
    monkeypatch.setattr(plancache, "resolve", lambda _catalog, _env: object())
    monkeypatch.setattr(plancache, "EnvRunner", FakeRunner)
    monkeypatch.setattr(tfroots, "BUILD_DIR", tmp_path / "build")
    return tmp_path


def _validate_digest(env: str) -> str:
    return tfroots.content_digest(ENVS_DIR / env, tfroots.run_salt("terraform", (1, 11, 4), ["validate"]))


def test_a_finished_offline_plan_marks_its_root_validated(fake_planning: Path) -> None:
    plancache.offline_plan(object(), "dev", emulator=object())  # type: ignore[arg-type]
    cache = tfroots.PassCache.for_label("validate")
    assert cache.hit(ENVS_DIR / "dev", _validate_digest("dev"))
    assert not cache.hit(ENVS_DIR / "prod", _validate_digest("prod")), "only the planned root"


def test_a_failed_offline_plan_marks_nothing(fake_planning: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FakeRunner, "fail", True)
    with pytest.raises(TerraformError):
        plancache.offline_plan(object(), "dev", emulator=object())  # type: ignore[arg-type]
    assert not tfroots.PassCache.for_label("validate").hit(ENVS_DIR / "dev", _validate_digest("dev"))
