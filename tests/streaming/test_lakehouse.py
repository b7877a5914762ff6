"""Finding an environment's deployed lakehouse from stream descriptions, and FileIO credentials from a Session."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from platformctl.errors import PlatformError, UsageError
from platformctl.streaming import commands
from platformctl.streaming.lakehouse import error_object_count, locate_streams, s3_properties


class _Firehose:
    def __init__(self, streams: dict[str, dict[str, Any]], error: str = "ResourceNotFoundException") -> None:
        self.streams, self.error = streams, error

    def describe_delivery_stream(self, *, DeliveryStreamName: str) -> dict[str, Any]:
        if DeliveryStreamName not in self.streams:
            raise ClientError({"Error": {"Code": self.error, "Message": "no"}}, "DescribeDeliveryStream")
        return {"DeliveryStreamDescription": self.streams[DeliveryStreamName]}


def _stream(tables: list[str], s3_key: str = "S3DestinationDescription") -> dict[str, Any]:
    return {
        "Destinations": [
            {
                "IcebergDestinationDescription": {
                    "DestinationTableConfigurationList": [
                        {"DestinationDatabaseName": "local_streaming", "DestinationTableName": t} for t in tables
                    ],
                    s3_key: {
                        "BucketARN": "arn:aws:s3:::errs",
                        "ErrorOutputPrefix": "error/events-1/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                    },
                }
            }
        ]
    }


def test_tables_bucket_and_static_error_prefix_come_from_the_descriptions() -> None:
    found = locate_streams(
        _Firehose({"local-a": _stream(["t1", "t2"]), "local-b": _stream(["t3"], "S3Configuration")}),
        ["local-a", "local-b"],
    )
    assert [(t.table, t.stream) for t in found.tables] == [("t1", "local-a"), ("t2", "local-a"), ("t3", "local-b")]
    assert found.error_bucket == "errs" and found.error_prefixes == ("error/events-1/",)
    assert found.table("t2").database == "local_streaming"
    with pytest.raises(UsageError, match="known: t1, t2, t3"):
        found.table("nope")


def test_a_stream_that_is_not_deployed_is_named() -> None:
    with pytest.raises(PlatformError, match="stream local-x of the environment is not deployed"):
        locate_streams(_Firehose({}), ["local-x"])


def test_error_objects_are_counted_under_each_static_prefix() -> None:
    class _S3:
        def get_paginator(self, _name: str) -> Any:
            class _Pages:
                def paginate(self, *, Bucket: str, Prefix: str) -> Any:
                    keys = ["error/events-1/a", "error/events-1/t/b", "other/c"]
                    yield {"Contents": [{"Key": k} for k in keys if k.startswith(Prefix)]}

            return _Pages()

    found = locate_streams(_Firehose({"s": _stream(["t"])}), ["s"])
    assert error_object_count(_S3(), found) == 2


def test_file_io_properties_carry_the_sessions_frozen_credentials() -> None:
    session = boto3.Session(
        aws_access_key_id="AK", aws_secret_access_key="SK", aws_session_token="TK", region_name="eu-west-1"
    )
    assert s3_properties(session, "http://127.0.0.1:9") == {
        "s3.region": "eu-west-1",
        "s3.endpoint": "http://127.0.0.1:9",
        "s3.access-key-id": "AK",
        "s3.secret-access-key": "SK",
        "s3.session-token": "TK",
    }


def test_produce_and_query_need_exactly_one_way_to_name_their_target() -> None:
    runner = CliRunner()
    both = runner.invoke(commands.group, ["produce", "--stream", "s", "--env", "local", "--count", "1"])
    assert both.exit_code == 2 and "exactly one of --stream" in both.output
    neither = runner.invoke(commands.group, ["query", "--table", "t"])
    assert neither.exit_code == 2 and "exactly one of --env" in neither.output


def test_env_commands_ask_for_make_local_when_no_emulator_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORM_EMULATOR_PORT", "1")  # nothing answers there
    result = CliRunner().invoke(commands.group, ["query", "--env", "local", "--table", "t"])
    assert isinstance(result.exception, PlatformError) and "run `make local` first" in str(result.exception)


def test_access_denied_is_not_reported_as_not_deployed() -> None:
    with pytest.raises(PlatformError, match="describing stream local-x failed: AccessDeniedException") as raised:
        locate_streams(_Firehose({}, error="AccessDeniedException"), ["local-x"])
    assert "not deployed" not in str(raised.value)
