"""The `make local` summary: what the emulator apply leaves out, why, and what it applies differently."""

from __future__ import annotations

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
