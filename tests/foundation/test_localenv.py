"""The `make local` summary: what the emulator apply leaves out, why, and what it applies differently."""

from __future__ import annotations

from pathlib import Path

from platformctl import localenv


def change(address: str, rtype: str, actions: list[str], after: dict | None = None) -> dict:
    return {"address": address, "type": rtype, "mode": "managed", "change": {"actions": actions, "after": after or {}}}


REFERENCE = {"resource_changes": [
    change('module.platform.module.api["orders"].aws_api_gateway_rest_api.this', "aws_api_gateway_rest_api",
           ["create"], {"disable_execute_api_endpoint": True}),
    change('module.platform.module.api["orders"].aws_apigatewayv2_api_mapping.this[0]',
           "aws_apigatewayv2_api_mapping", ["create"]),
    change("module.platform.module.warehouse.aws_security_group.workgroup[0]", "aws_security_group", ["create"]),
    change("module.platform.module.warehouse.aws_redshiftserverless_workgroup.this[0]",
           "aws_redshiftserverless_workgroup", ["create"]),
    change("module.platform.module.central_bus.aws_sqs_queue.standard", "aws_sqs_queue", ["create"], {"name": "q"}),
]}
EMULATOR = {"resource_changes": [
    change('module.platform.module.api["orders"].aws_api_gateway_rest_api.this', "aws_api_gateway_rest_api",
           ["create"], {"disable_execute_api_endpoint": False}),
    change("module.platform.module.central_bus.aws_sqs_queue.standard", "aws_sqs_queue", ["create"], {"name": "q"}),
]}


def test_left_out_resources_carry_their_reason() -> None:
    summary = localenv.summarise(REFERENCE, EMULATOR)
    assert summary.left_out == {
        'module.platform.module.api["orders"].aws_apigatewayv2_api_mapping.this[0]':
            localenv.LEFT_OUT_REASONS["aws_apigatewayv2_api_mapping"],
        "module.platform.module.warehouse.aws_redshiftserverless_workgroup.this[0]":
            localenv.LEFT_OUT_MODULES["module.platform.module.warehouse"],
        # moto could create a security group, but this one belongs to the warehouse.
        "module.platform.module.warehouse.aws_security_group.workgroup[0]":
            localenv.LEFT_OUT_MODULES["module.platform.module.warehouse"],
    }


def test_applied_resources_with_other_settings_are_reported() -> None:
    summary = localenv.summarise(REFERENCE, EMULATOR)
    assert summary.differs == ['module.platform.module.api["orders"].aws_api_gateway_rest_api.this']
    assert summary.creates == {"aws_api_gateway_rest_api": 1, "aws_sqs_queue": 1}


def test_an_unexplained_omission_is_flagged() -> None:
    reference = {"resource_changes": [change("module.x.aws_kinesis_stream.s", "aws_kinesis_stream", ["create"])]}
    summary = localenv.summarise(reference, {"resource_changes": []})
    assert "no reason recorded" in summary.left_out["module.x.aws_kinesis_stream.s"]


def test_the_lake_formation_registration_role_is_left_out_with_the_registration() -> None:
    addresses = {
        "module.platform.module.lakehouse.aws_lakeformation_resource.warehouse[0]": "aws_lakeformation_resource",
        "module.platform.module.lakehouse.aws_iam_role.lake_formation_location[0]": "aws_iam_role",
        "module.platform.module.lakehouse.aws_iam_role_policy.lake_formation_location[0]": "aws_iam_role_policy",
        "module.platform.module.lakehouse.aws_iam_role_policy.lake_formation_location_key[0]": "aws_iam_role_policy",
        "module.platform.module.lakehouse.aws_iam_role.delivery[\"events\"]": "aws_iam_role",
    }
    reference = {"resource_changes": [change(a, t, ["create"]) for a, t in addresses.items()]}
    left_out = localenv.summarise(reference, {"resource_changes": []}).left_out
    lakehouse = "module.platform.module.lakehouse."
    assert "Lake Formation" in left_out[lakehouse + "aws_iam_role.lake_formation_location[0]"]
    assert "Lake Formation" in left_out[lakehouse + "aws_iam_role_policy.lake_formation_location[0]"]
    assert "Lake Formation" in left_out[lakehouse + "aws_iam_role_policy.lake_formation_location_key[0]"]
    # Any other role the emulator plan drops is still an unexplained omission.
    assert "no reason recorded" in left_out['module.platform.module.lakehouse.aws_iam_role.delivery["events"]']


def test_trails_left_out_point_at_the_catalogs_reason() -> None:
    # Per-account trails (issue 14): the whole trail module of each forwarder, and an organization trail.
    addresses = {
        "module.forwarder_444444444444.module.trail[0].aws_s3_bucket.this": "aws_s3_bucket",
        "module.forwarder_444444444444.module.trail[0].aws_kms_key.this": "aws_kms_key",
        "module.platform.module.organization_trail[0].aws_cloudtrail.this": "aws_cloudtrail",
    }
    reference = {"resource_changes": [change(a, t, ["create"]) for a, t in addresses.items()]}
    left_out = localenv.summarise(reference, {"resource_changes": []}).left_out
    assert set(left_out) == set(addresses)
    assert all("event_sources.cloudtrail.emulator_skip_reason" in reason for reason in left_out.values())


class _FakeEmulator:
    def __init__(self, boot: str | None) -> None:
        self.boot = boot

    def boot_id(self) -> str | None:
        return self.boot


class _FakeRunner:
    """The two things the applied fingerprint reads: the emulator's boot id and the local state."""

    def __init__(self, build: Path, boot: str | None = "boot-1") -> None:
        self.build = build
        self.emulator = _FakeEmulator(boot)
        self.state_path = build / "terraform.tfstate"


def _applied(tmp_path: Path) -> _FakeRunner:
    runner = _FakeRunner(tmp_path)
    runner.state_path.write_text('{"serial": 1}')
    (tmp_path / "plan.json").write_text("{}")
    (tmp_path / localenv.COMPARED_PLAN).write_text("{}")
    localenv.record_applied(runner, "digest-a")  # type: ignore[arg-type]
    return runner


def test_nothing_changed_since_the_apply_reuses_the_reference_plan(tmp_path: Path) -> None:
    runner = _applied(tmp_path)
    assert localenv.unchanged_since_apply(runner, "digest-a")  # type: ignore[arg-type]


def test_any_change_of_inputs_emulator_state_or_plan_means_plan_again(tmp_path: Path) -> None:
    runner = _applied(tmp_path)
    assert not localenv.unchanged_since_apply(runner, "digest-b"), "an edited catalog or module"  # type: ignore[arg-type]
    runner.emulator.boot = "boot-2"
    assert not localenv.unchanged_since_apply(runner, "digest-a"), "a restarted emulator"  # type: ignore[arg-type]
    runner.emulator.boot = "boot-1"
    runner.state_path.write_text('{"serial": 2}')
    assert not localenv.unchanged_since_apply(runner, "digest-a"), "state changed outside make local"  # type: ignore[arg-type]

    runner = _applied(tmp_path)
    (tmp_path / "plan.json").unlink()
    assert not localenv.unchanged_since_apply(runner, "digest-a"), "the saved reference plan is gone"  # type: ignore[arg-type]

    runner = _applied(tmp_path)
    (tmp_path / localenv.COMPARED_PLAN).unlink()
    assert not localenv.unchanged_since_apply(runner, "digest-a"), "nothing to compare a reused plan with"  # type: ignore[arg-type]

    runner = _applied(tmp_path)
    (tmp_path / localenv.APPLIED_MARKER).write_text("not json")
    assert not localenv.unchanged_since_apply(runner, "digest-a")  # type: ignore[arg-type]


def test_no_fingerprint_without_a_running_emulator_or_state(tmp_path: Path) -> None:
    runner = _FakeRunner(tmp_path, boot=None)
    localenv.record_applied(runner, "digest-a")  # type: ignore[arg-type]
    assert not (tmp_path / localenv.APPLIED_MARKER).exists()
    assert not localenv.unchanged_since_apply(runner, "digest-a")  # type: ignore[arg-type]


def test_a_reused_reference_plan_is_compared_with_the_emulator_plan_of_its_own_run() -> None:
    from_empty = {"id": None}  # planned from empty state: computed values unknown
    reference = {"resource_changes": [change("aws_sqs_queue.q", "aws_sqs_queue", ["create"], from_empty)]}
    compared = {"resource_changes": [change("aws_sqs_queue.q", "aws_sqs_queue", ["create"], from_empty)]}
    today = {"resource_changes": [change("aws_sqs_queue.q", "aws_sqs_queue", ["no-op"], {"id": "https://q"})]}
    assert localenv.summarise(reference, today).differs == ["aws_sqs_queue.q"], "the trap: states differ"
    summary = localenv.summarise(reference, today, basis=compared)
    assert summary.differs == [] and summary.left_out == {}
    assert summary.changes == 0, "what happens now still comes from today's emulator plan"
