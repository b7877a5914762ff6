"""Routing of Firehose records with the stream's real JQ query (the `jq` package), and error records."""

from __future__ import annotations

import base64
import json

from platformctl.emulator.firehose_routing import (
    NO_SUCH_TABLE,
    NOT_JSON,
    ROUTING_FAILED,
    Routed,
    Router,
    RoutingError,
    StreamRouting,
    error_record,
)

# The query modules/firehose-iceberg renders for the catalog's stream (locals.routing_queries).
QUERY = (
    '{destinationDatabaseName: "local_events", destinationTableName: '
    '(if .type.event == "firehose_events_2" then "firehose_events_2" else "firehose_events" end), '
    'operation: "insert"}'
)


def _description(query: str | None = QUERY, tables: tuple[str, ...] = ("firehose_events", "firehose_events_2")):
    processing = {
        "Enabled": True,
        "Processors": [
            {
                "Type": "MetadataExtraction",
                "Parameters": [
                    {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query},
                    {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
                ],
            }
        ],
    }
    iceberg = {
        "DestinationTableConfigurationList": [
            {"DestinationDatabaseName": "local_events", "DestinationTableName": t, "S3ErrorOutputPrefix": f"error/{t}/"}
            for t in tables
        ]
    }
    if query is not None:
        iceberg["ProcessingConfiguration"] = processing
    return {
        "DeliveryStreamName": "local-firehose-iceberg-events",
        "DeliveryStreamARN": "arn:aws:firehose:eu-west-1:333333333333:deliverystream/local-firehose-iceberg-events",
        "Destinations": [{"DestinationId": "d1", "IcebergDestinationDescription": iceberg}],
    }


def _record(event: str) -> bytes:
    return json.dumps({"type": {"device": "mobile", "event": event, "action": "update"}, "customer_id": "7"}).encode()


def test_jq_routes_by_nested_field() -> None:
    router = Router(StreamRouting.from_description(_description()))
    second = router.route(_record("firehose_events_2"))
    first = router.route(_record("firehose_events_1"))
    assert isinstance(second, Routed) and second.target.table == "firehose_events_2"
    assert isinstance(first, Routed) and first.target.table == "firehose_events"
    assert second.operation == "insert" and second.target.error_prefix == "error/firehose_events_2/"


def test_a_table_outside_the_destination_configuration_is_a_routing_miss() -> None:
    router = Router(StreamRouting.from_description(_description(tables=("firehose_events",))))
    miss = router.route(_record("firehose_events_2"))
    assert isinstance(miss, RoutingError)
    assert miss.code == NO_SUCH_TABLE and miss.table == "firehose_events_2"


def test_jq_errors_and_non_json_are_reported_not_dropped() -> None:
    router = Router(
        StreamRouting.from_description(
            _description(query='{destinationDatabaseName: "x", destinationTableName: (.n + "s")}')
        )
    )
    failed = router.route(b'{"n": 1}')
    assert isinstance(failed, RoutingError) and failed.code == ROUTING_FAILED
    assert "cannot be added" in failed.message
    not_json = router.route(b"not json")
    assert isinstance(not_json, RoutingError) and not_json.code == NOT_JSON


def test_single_table_without_query_needs_no_jq_and_several_tables_do() -> None:
    single = Router(StreamRouting.from_description(_description(query=None, tables=("firehose_events",))))
    assert isinstance(single.route(_record("x")), Routed)
    several = Router(StreamRouting.from_description(_description(query=None)))
    assert isinstance(several.route(_record("x")), RoutingError)


def test_error_record_has_firehose_fields_and_raw_data_round_trips() -> None:
    data = _record("firehose_events_2")
    document = error_record(
        data=data,
        code=NO_SUCH_TABLE,
        message="m",
        arrival_ms=1,
        ending_ms=2,
        sequence_number="42",
        catalog_id="333333333333",
        region="eu-west-1",
        database="local_events",
        table="t",
    )
    assert set(document) == {
        "attemptsMade",
        "arrivalTimestamp",
        "errorCode",
        "errorMessage",
        "attemptEndingTimestamp",
        "rawData",
        "sequenceNumber",
        "subSequenceNumber",
        "dataCatalogTable",
    }
    assert base64.b64decode(document["rawData"]) == data
    assert document["dataCatalogTable"] == {
        "catalogId": "333333333333",
        "databaseName": "local_events",
        "tableName": "t",
        "region": "eu-west-1",
    }
