"""The embedded emulator: lifecycle (idempotent start, stop by PID, reset) and the compat shim."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import boto3
import pytest

from platformctl.emulator.compat import CompatMiddleware, compact_json_attribute, fix_sqs_get_queue_attributes
from platformctl.emulator.control import Emulator, EmulatorError
from tests.conftest import free_port


def client(emulator: Emulator, service: str):  # type: ignore[no-untyped-def]
    return boto3.client(service, endpoint_url=emulator.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_lifecycle(tmp_path: Path) -> None:
    emulator = Emulator("127.0.0.1", free_port(), tmp_path)
    assert emulator.status()["ready"] is False
    assert emulator.start() is True
    try:
        pid, boot = emulator.pid(), emulator.boot_id()
        assert pid is not None and boot
        assert emulator.start() is False, "a second start must reuse the running server"
        assert emulator.pid() == pid and emulator.boot_id() == boot

        sqs = client(emulator, "sqs")
        sqs.create_queue(QueueName="before-reset")
        emulator.reset()
        assert sqs.list_queues().get("QueueUrls", []) == []
        assert emulator.boot_id() != boot, "a reset must invalidate state recorded against the old boot"
    finally:
        assert emulator.stop() is True
    assert emulator.status() == {"url": emulator.url, "pid": None, "ready": False, "boot_id": None}
    assert emulator.stop() is False


def test_refuses_a_port_used_by_something_else(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        emulator = Emulator("127.0.0.1", squatter.getsockname()[1], tmp_path)
        with pytest.raises(EmulatorError, match="already in use"):
            emulator.start()


def test_reset_without_a_server_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmulatorError, match="no emulator answers"):
        Emulator("127.0.0.1", free_port(), tmp_path).reset()


def test_port_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORM_EMULATOR_PORT", "5123")
    assert Emulator.from_env().url == "http://127.0.0.1:5123"
    monkeypatch.setenv("PLATFORM_EMULATOR_PORT", "http")
    with pytest.raises(EmulatorError, match="not a TCP port"):
        Emulator.from_env()


def test_redrive_policy_is_returned_compact_like_aws(session_emulator: Emulator) -> None:
    sqs = client(session_emulator, "sqs")
    dlq = sqs.create_queue(QueueName="compat-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}, separators=(",", ":"))
    queue = sqs.create_queue(QueueName="compat-main", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    returned = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]["RedrivePolicy"]
    assert returned == policy


def test_compaction_leaves_other_responses_alone() -> None:
    untouched = b'{"Attributes": {"VisibilityTimeout": "30"}}'
    assert fix_sqs_get_queue_attributes(untouched) is untouched
    assert fix_sqs_get_queue_attributes(b"not json") == b"not json"
    assert compact_json_attribute('{"a": 1, "b": [1, 2]}') == '{"a":1,"b":[1,2]}'
    assert compact_json_attribute("plain") == "plain"


def test_middleware_only_rewrites_listed_targets() -> None:
    body = b'{"Attributes": {"RedrivePolicy": "{\\"a\\": 1}"}}'

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]

    seen: list[tuple[str, list[tuple[str, str]]]] = []
    middleware = CompatMiddleware(app)
    out = b"".join(middleware({"HTTP_X_AMZ_TARGET": "AmazonSQS.GetQueueAttributes"},
                              lambda s, h, e=None: seen.append((s, h))))
    assert json.loads(out)["Attributes"]["RedrivePolicy"] == '{"a":1}'
    assert ("Content-Length", str(len(out))) in seen[0][1]
    assert ("Connection", "close") in seen[0][1], "no keep-alive: a reused dead connection makes the SDK retry POSTs"
    assert b"".join(middleware({"HTTP_X_AMZ_TARGET": "AmazonSQS.ListQueues"}, lambda s, h, e=None: None)) == body


def test_a_private_emulator_has_its_own_port_and_state_and_is_gone_afterwards() -> None:
    from platformctl.emulator.control import DEFAULT_PORT, STATE_DIR, private_emulator

    with private_emulator() as emulator:
        assert emulator.port != DEFAULT_PORT and emulator.state_dir != STATE_DIR
        assert emulator.is_ready()
        pid = emulator.pid()
        assert pid is not None
    assert not emulator.is_ready()
    assert not emulator.state_dir.exists(), "the throwaway state directory is removed"
    assert not Path(f"/proc/{pid}").exists() or b"platformctl.emulator.server" not in Path(
        f"/proc/{pid}/cmdline").read_bytes()


def test_an_interrupted_start_leaves_no_server_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    emulator = Emulator("127.0.0.1", free_port(), tmp_path)

    def interrupted(self: Emulator) -> bool:
        raise KeyboardInterrupt

    spawned: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        spawned.append(real_popen(*args, **kwargs))  # type: ignore[call-overload]
        return spawned[-1]

    monkeypatch.setattr(Emulator, "is_ready", interrupted)
    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    with pytest.raises(KeyboardInterrupt):
        emulator.start()
    monkeypatch.undo()
    assert len(spawned) == 1 and spawned[0].poll() is not None, "the half-started server is gone"
    assert emulator.pid() is None and not emulator.pidfile.exists()
