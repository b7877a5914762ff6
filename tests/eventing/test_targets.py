"""Every EventBridge target of the eventing modules has a DLQ and a retry policy.

The tftests assert it on plans; this guard also catches a target added later without them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from platformctl.paths import MODULES_DIR

MODULES = ("eventbridge-central-bus", "eventbridge-forwarder", "eventbridge-forwarder-stackset")
_TARGET = re.compile(r'resource\s+"aws_cloudwatch_event_target"\s+"(\w+)"\s*\{')


def blocks(text: str) -> dict[str, str]:
    """Body of each aws_cloudwatch_event_target block, by brace matching."""
    found = {}
    for match in _TARGET.finditer(text):
        depth, index = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        found[match[1]] = text[match.end():index]
    return found


def all_targets() -> dict[str, str]:
    targets = {}
    for module in MODULES:
        for path in sorted((MODULES_DIR / module).rglob("*.tf")):
            if ".terraform" in path.parts:
                continue
            for name, body in blocks(path.read_text(encoding="utf-8")).items():
                targets[f"{path.relative_to(MODULES_DIR)}:{name}"] = body
    return targets


def test_the_modules_declare_targets() -> None:
    assert len(all_targets()) >= 4  # high, standard, api destination, forwarder


@pytest.mark.parametrize("target", sorted(all_targets()))
def test_target_has_dead_letter_config_and_retry_policy(target: str) -> None:
    body = all_targets()[target]
    assert re.search(r"^\s*dead_letter_config\s*\{", body, re.M), f"{target} has no dead_letter_config"
    assert re.search(r"^\s*retry_policy\s*\{", body, re.M), f"{target} has no retry_policy"
    assert "maximum_event_age_in_seconds" in body and "maximum_retry_attempts" in body


def test_stackset_template_targets_have_them_too() -> None:
    text = Path(MODULES_DIR / "eventbridge-forwarder-stackset" / "main.tf").read_text(encoding="utf-8")
    targets = text.split("Targets = [", 1)[1].split("}]", 1)[0]
    assert "DeadLetterConfig" in targets and "RetryPolicy" in targets
