"""A scripted Firehose client: each call's outcome is decided by the test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

# outcome(call_number, records) -> a response dict, or an exception to raise
Outcome = Callable[[int, list[bytes]], Any]


def ok(records: list[bytes]) -> dict[str, Any]:
    return {"FailedPutCount": 0, "RequestResponses": [{"RecordId": f"id-{i}"} for i in range(len(records))]}


def partial(records: list[bytes], failing: set[bytes], code: str = "ServiceUnavailableException") -> dict[str, Any]:
    responses: list[dict[str, str]] = []
    for i, data in enumerate(records):
        if data in failing:
            responses.append({"ErrorCode": code, "ErrorMessage": "Slow down."})
        else:
            responses.append({"RecordId": f"id-{i}"})
    return {"FailedPutCount": sum(1 for r in responses if "ErrorCode" in r), "RequestResponses": responses}


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": f"{code} happened"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutRecordBatch",
    )


class FakeFirehose:
    def __init__(self, outcome: Outcome | None = None) -> None:
        self.outcome = outcome or (lambda _n, records: ok(records))
        self.calls: list[list[bytes]] = []
        self.streams: list[str] = []

    def put_record_batch(self, *, DeliveryStreamName: str, Records: list[dict[str, bytes]]) -> dict[str, Any]:
        data = [r["Data"] for r in Records]
        self.calls.append(data)
        self.streams.append(DeliveryStreamName)
        result = self.outcome(len(self.calls), data)
        if isinstance(result, Exception):
            raise result
        return result
