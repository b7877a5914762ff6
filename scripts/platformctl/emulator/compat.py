"""WSGI middleware that fixes moto responses which make Terraform see drift on every plan.

Each fix is for a measured moto 5.2.5 behaviour (see docs/local-emulator.md). The emulator is a
test double for AWS, so the fixes make it answer the way AWS does; they never hide a diff that a
real account would show.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# SQS returns these attributes as JSON documents. AWS returns them compact; moto re-serialises
# them with json.dumps defaults (", " and ": "), which the provider reports as a change to
# `redrive_policy` on every plan.
_SQS_JSON_ATTRIBUTES = ("RedrivePolicy", "RedriveAllowPolicy")


def compact_json_attribute(value: str) -> str:
    try:
        return json.dumps(json.loads(value), separators=(",", ":"))
    except ValueError:
        return value


def fix_sqs_get_queue_attributes(body: bytes) -> bytes:
    try:
        document = json.loads(body)
    except ValueError:
        return body
    attributes = document.get("Attributes") if isinstance(document, dict) else None
    if not isinstance(attributes, dict):
        return body
    changed = False
    for name in _SQS_JSON_ATTRIBUTES:
        if isinstance(attributes.get(name), str):
            fixed = compact_json_attribute(attributes[name])
            changed = changed or fixed != attributes[name]
            attributes[name] = fixed
    return json.dumps(document).encode() if changed else body


_FIXES: dict[str, Callable[[bytes], bytes]] = {
    "AmazonSQS.GetQueueAttributes": fix_sqs_get_queue_attributes,
}


HEALTH_PATH = "/_platform/health"
HEALTH_BODY = b'{"server": "platformctl-emulator"}'
FIREHOSE_FLUSH_PATH = "/_platform/firehose/flush"
FIREHOSE_STATUS_PATH = "/_platform/firehose/status"
MOTO_RESET_PATH = "/moto-api/reset"
FIREHOSE_PUT_TARGETS = ("Firehose_20150804.PutRecord", "Firehose_20150804.PutRecordBatch")


def _closing(start_response: Callable[..., Any]) -> Callable[..., Any]:
    """Answer every request with `Connection: close`.

    The provider's SDK reuses idle keep-alive connections; when the dev server has already closed
    one, the SDK sees a reset and retries, and a retried POST that had reached moto fails with a
    409 (measured: CreateStage sent twice, "Stage already exists"). A fresh connection per request
    costs nothing on loopback and removes the race."""

    def wrapped(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
        headers = [(k, v) for k, v in headers if k.lower() != "connection"] + [("Connection", "close")]
        return start_response(status, headers, exc_info)

    return wrapped


class CompatMiddleware:
    """Rewrites the bodies of the few responses listed in `_FIXES`; passes everything else through.

    Also answers a constant health probe: moto's own /moto-api/data.json serialises every
    resource, which gets slow exactly when the emulator holds a whole platform.
    """

    def __init__(self, app: WSGIApp, firehose: Any = None) -> None:
        self.app = app
        # FirehoseIcebergEngine (firehose_delivery.py): answers PutRecord[Batch] for Iceberg streams.
        self.firehose = firehose

    def _json(self, start_response: Callable[..., Any], status: str, document: dict[str, Any]) -> list[bytes]:
        body = json.dumps(document).encode()
        start_response(status, [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body)))])
        return [body]

    def _firehose(self, environ: dict[str, Any], start_response: Callable[..., Any], target: str) -> list[bytes] | None:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        answer = self.firehose.handle(environ, target, body)
        if answer is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return None
        return self._json(start_response, *answer)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response = _closing(start_response)
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(HEALTH_BODY)))])
            return [HEALTH_BODY]
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if self.firehose is not None:
            path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
            if path == FIREHOSE_FLUSH_PATH and method == "POST":
                report = self.firehose.flush()
                return self._json(start_response, "200 OK", {"delivered": report.delivered, "failed": report.failed})
            if path == FIREHOSE_STATUS_PATH and method == "GET":
                return self._json(start_response, "200 OK", self.firehose.status())
            if path == MOTO_RESET_PATH and method == "POST":
                # Buffers name streams and tables the reset drops; delivering them later could only fail.
                self.firehose.reset()
            if target in FIREHOSE_PUT_TARGETS:
                answered = self._firehose(environ, start_response, target)
                if answered is not None:
                    return answered
        fix = _FIXES.get(target)
        if fix is None:
            return self.app(environ, start_response)

        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            captured["status"], captured["headers"], captured["exc_info"] = status, headers, exc_info
            return lambda _data: None

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        body = fix(body)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers, captured["exc_info"])
        return [body]
