"""Bucket policy TLS conditions evaluated for a TLS 1.3 client (moto ignores conditions)."""

from __future__ import annotations

import json

from platformctl.emulator.s3_transport_conditions import effective_policy, statement_applies
from tests.emulator.test_firehose_iceberg_delivery import tls_only_policy


def test_the_modules_tls_denies_do_not_apply_to_a_tls_13_request() -> None:
    assert statement_applies({"Bool": {"aws:SecureTransport": "false"}}) is False
    assert statement_applies({"NumericLessThan": {"s3:TlsVersion": "1.2"}}) is False
    assert json.loads(effective_policy(json.dumps(tls_only_policy("b"))))["Statement"] == []


def test_transport_conditions_that_hold_keep_their_statement() -> None:
    assert statement_applies({"Bool": {"aws:SecureTransport": ["true"]}}) is True
    assert statement_applies({"NumericGreaterThanEquals": {"S3:TlsVersion": "1.2"}}) is True
    assert statement_applies(None) is True


def test_other_condition_keys_are_left_to_moto() -> None:
    assert statement_applies({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}) is None
    mixed = {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:SourceVpce": "v"}}
    assert statement_applies(mixed) is None
    policy = {"Statement": {"Effect": "Deny", "Condition": {"StringLike": {"aws:userid": "x"}}}}
    assert len(json.loads(effective_policy(json.dumps(policy)))["Statement"]) == 1
