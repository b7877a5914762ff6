"""The drift check's decision and outputs, with a stand-in for the Terraform runner."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from platformctl import localenv
from platformctl.ci import commands
from platformctl.ci.drift import DriftDetected, check_drift
from platformctl.errors import PlatformError

FIXTURE = Path(__file__).parent / "fixtures" / "plan_actions.json"
NO_CHANGES = {"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": []}


class FakeRunner:
    """Records what check_drift asks Terraform to do and answers like `plan -detailed-exitcode`."""

    def __init__(
        self,
        build: Path,
        exit_code: int,
        plan: dict[str, object],
        *,
        env: str = "prod",
        emulator: bool = False,
        offline: bool = False,
    ) -> None:
        self.env, self.build, self.offline, self.is_emulator_env = env, build, offline, emulator
        self.exit_code, self.document = exit_code, plan
        self.calls: list[tuple[str, Sequence[str], bool]] = []

    @contextmanager
    def session(self) -> Iterator[FakeRunner]:
        self.calls.append(("session", (), False))
        yield self

    def init(self) -> None:
        self.calls.append(("init", (), False))

    def plan(self, out: Path, *, extra: Sequence[str] = (), detailed_exitcode: bool = False) -> int:
        self.calls.append(("plan", tuple(extra), detailed_exitcode))
        out.with_suffix(".json").write_text(json.dumps(self.document), encoding="utf-8")
        return self.exit_code


def test_drift_is_reported_with_a_summary(tmp_path: Path) -> None:
    runner = FakeRunner(tmp_path, 2, json.loads(FIXTURE.read_text()))
    result = check_drift(runner)  # type: ignore[arg-type]
    assert result.drifted
    assert result.headline == "1 create, 1 update, 2 replace, 1 delete, 1 forget"
    assert ("plan", (), True) in runner.calls  # -detailed-exitcode, real env: no emulator vars
    assert result.plan_json == tmp_path / "drift.json"
    assert (tmp_path / "drift.md").read_text().startswith("# Drift check: `prod`")


def test_no_drift(tmp_path: Path) -> None:
    result = check_drift(FakeRunner(tmp_path, 0, NO_CHANGES))  # type: ignore[arg-type]
    assert not result.drifted and result.headline == "no changes"
    assert "**No changes.**" in (tmp_path / "drift.md").read_text()


def test_the_emulator_env_checks_the_applied_subset(tmp_path: Path) -> None:
    runner = FakeRunner(tmp_path, 0, NO_CHANGES, env="local", emulator=True)
    check_drift(runner)  # type: ignore[arg-type]
    assert ("plan", localenv.EMULATOR_VARS, True) in runner.calls


def test_an_offline_drift_check_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlatformError, match="cannot run OFFLINE"):
        check_drift(FakeRunner(tmp_path, 2, NO_CHANGES, offline=True))  # type: ignore[arg-type]


def test_cli_exits_2_on_drift(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command wires EnvRunner -> check_drift -> DriftDetected (exit 2, like -detailed-exitcode)."""
    shutil.copy(FIXTURE, tmp_path / "fixture.json")
    monkeypatch.setattr("platformctl.toolchain.ensure_toolchain", lambda: None)
    monkeypatch.setattr("platformctl.catalog.load_inputs", lambda env: env)
    monkeypatch.setattr(
        "platformctl.tfrun.EnvRunner",
        lambda _tc, env: FakeRunner(tmp_path, 2, json.loads(FIXTURE.read_text()), env=env),
    )
    result = CliRunner().invoke(commands.group, ["drift", "staging"])
    assert isinstance(result.exception, DriftDetected)
    assert DriftDetected.exit_code == 2
    assert "drift in staging: 1 create" in str(result.exception)
