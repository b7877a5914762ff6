"""Iceberg tables and Firehose streams as envs/local plans them."""

from __future__ import annotations

import json

import pytest

from tests.plans.reading import only, resources_of_type

LAKEHOUSE = "module.platform.module.lakehouse."
pytestmark = pytest.mark.terraform


def test_tables_are_iceberg_with_zstd_under_the_warehouse_bucket(env_plans) -> None:
    tables = {r["values"]["name"]: r["values"] for r in
              resources_of_type(env_plans["local"], "aws_glue_catalog_table", LAKEHOUSE)}
    assert set(tables) == {"firehose_events", "firehose_events_2"}
    events = tables["firehose_events"]
    assert events["open_table_format_input"][0]["iceberg_input"][0]["metadata_operation"] == "CREATE"
    assert events["parameters"]["write_compression"] == "zstd"
    columns = {c["name"]: c["type"] for c in events["storage_descriptor"][0]["columns"]}
    assert columns == {
        "type": "struct<device:string,event:string,action:string>",
        "customer_id": "string", "event_timestamp": "timestamp", "region": "string",
    }
    assert events["storage_descriptor"][0]["location"].endswith("/iceberg/firehose_events")


def test_stream_delivers_to_iceberg_with_routing_backup_and_encryption(env_plans) -> None:
    stream = only(env_plans["local"], "aws_kinesis_firehose_delivery_stream", LAKEHOUSE)["values"]
    assert stream["name"] == "local-firehose-iceberg-events"
    assert stream["destination"] == "iceberg"
    iceberg = stream["iceberg_configuration"][0]
    assert iceberg["buffering_size"] == 1 and iceberg["buffering_interval"] == 60
    assert iceberg["s3_backup_mode"] == "FailedDataOnly"
    tables = sorted(t["table_name"] for t in iceberg["destination_table_configuration"])
    assert tables == ["firehose_events", "firehose_events_2"]
    extraction = iceberg["processing_configuration"][0]["processors"][0]
    assert extraction["type"] == "MetadataExtraction"
    query = json.dumps(extraction["parameters"])
    assert "type.event" in query and "firehose_events_2" in query
    assert "error/events-1/" in iceberg["s3_configuration"][0]["error_output_prefix"]
    assert stream["server_side_encryption"][0]["key_type"] == "CUSTOMER_MANAGED_CMK"


def test_each_stream_has_its_own_delivery_role(env_plans) -> None:
    # The other role of the module is Lake Formation's registration role (test_lakehouse_access_plan).
    roles = resources_of_type(env_plans["local"], "aws_iam_role", LAKEHOUSE + "aws_iam_role.delivery")
    streams = resources_of_type(env_plans["local"], "aws_kinesis_firehose_delivery_stream", LAKEHOUSE)
    assert len(roles) == len(streams) == 1
    trust = json.loads(roles[0]["values"]["assume_role_policy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "firehose.amazonaws.com"}


def test_lake_formation_grants_are_planned_in_the_reference_plan(env_plans) -> None:
    assert resources_of_type(env_plans["dev"], "aws_lakeformation_permissions", LAKEHOUSE)
