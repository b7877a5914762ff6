"""`platformctl verify run`: exit code, JUnit file and the refusals that come before any check."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from platformctl.verify import commands
from platformctl.verify.model import CheckResult, VerifyReport


def _outputs(tmp_path: Path) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"apis": {"value": {}, "type": "dynamic", "sensitive": False}}))
    return path


def _fake_verify(results: list[CheckResult]) -> Any:
    def verify_environment(inputs, outputs, access, **kwargs):
        assert outputs == {"apis": {}}
        report = VerifyReport(inputs.environment, results)
        for result in results:
            kwargs["on_result"](result)
        return report

    return verify_environment


@pytest.mark.parametrize(
    ("results", "exit_code"),
    [
        ([CheckResult.passed("apis", "a", "ok"), CheckResult.skipped("warehouse", "w", "moto")], 0),
        ([CheckResult.passed("apis", "a", "ok"), CheckResult.failed("drift", "plan", "1 pending")], 1),
    ],
)
def test_exit_code_and_junit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: list[CheckResult], exit_code: int
) -> None:
    monkeypatch.setattr(commands, "_check_local_state", lambda runner: None)
    monkeypatch.setattr(commands, "verify_environment", _fake_verify(results))
    junit = tmp_path / "junit.xml"
    result = CliRunner().invoke(
        commands.group, ["run", "local", "--outputs", str(_outputs(tmp_path)), "--skip-drift", "--junit", str(junit)]
    )
    assert result.exit_code == exit_code, result.output
    assert ET.parse(junit).getroot().get("tests") == str(len(results))
    assert "PASS" in result.output and "JUnit report" in result.output


def test_local_refuses_to_verify_without_the_emulator_that_holds_the_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLATFORM_EMULATOR_PORT", "1")  # nothing answers there
    result = CliRunner().invoke(commands.group, ["run", "local", "--outputs", str(_outputs(tmp_path)), "--skip-drift"])
    assert result.exit_code != 0
    assert "make local" in str(result.exception)


def test_real_environment_needs_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "_have_credentials", lambda: False)
    result = CliRunner().invoke(commands.group, ["run", "dev", "--outputs", str(_outputs(tmp_path)), "--skip-drift"])
    assert result.exit_code != 0 and "no AWS credentials for ENV=dev" in str(result.exception)


def test_unreadable_outputs_are_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "_check_local_state", lambda runner: None)
    bad = tmp_path / "outputs.json"
    bad.write_text("not json")
    result = CliRunner().invoke(commands.group, ["run", "local", "--outputs", str(bad), "--skip-drift"])
    assert result.exit_code != 0 and "cannot read Terraform outputs" in str(result.exception)
