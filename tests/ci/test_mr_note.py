"""The sticky merge-request notes, against a stand-in GitLab Notes API on 127.0.0.1 (real HTTP, real urllib)."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from platformctl.ci import commands, mr_note
from platformctl.ci.mr_note import NoteError, NoteTarget

FIXTURE = Path(__file__).parent / "fixtures" / "plan_actions.json"
TOKEN = "glpat-test-token"
ME, SOMEONE_ELSE = 7, 8


class FakeGitLab:
    """The notes of one merge request, served like GitLab's REST API v4 (two notes per page)."""

    def __init__(self) -> None:
        self.notes: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []
        self.next_id = 100
        self.fail_with: int | None = None

    def add(self, body: str, author: int = ME, system: bool = False) -> int:
        self.next_id += 1
        self.notes.append({"id": self.next_id, "body": body, "author": {"id": author}, "system": system})
        return self.next_id


@pytest.fixture
def gitlab() -> Iterator[tuple[FakeGitLab, str]]:
    state = FakeGitLab()
    prefix = "/api/v4/projects/group%2Fplatform/merge_requests/12/notes"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _reply(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(raw)

        def _handle(self) -> None:
            state.requests.append((self.command, self.path))
            if self.headers.get("PRIVATE-TOKEN") != TOKEN:
                return self._reply(401, {"message": "401 Unauthorized"})
            if state.fail_with:
                return self._reply(state.fail_with, {"message": "boom"})
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length)) if length else None
            if url.path == "/api/v4/user":
                return self._reply(200, {"id": ME, "username": "platform-bot"})
            if url.path == prefix and self.command == "GET":
                page = int(parse_qs(url.query)["page"][0])
                chunk = state.notes[(page - 1) * 2 : page * 2]
                more = len(state.notes) > page * 2
                return self._reply(200, chunk, {"X-Next-Page": str(page + 1) if more else ""})
            if url.path == prefix and self.command == "POST":
                return self._reply(201, {"id": state.add(payload["body"])})
            if url.path.startswith(prefix + "/") and self.command == "PUT":
                note_id = int(url.path.rsplit("/", 1)[1])
                note = next(n for n in state.notes if n["id"] == note_id)
                note["body"] = payload["body"]
                return self._reply(200, note)
            return self._reply(404, {"message": "404 Not found"})

        do_GET = do_POST = do_PUT = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/api/v4"
    finally:
        server.shutdown()
        server.server_close()


def target(api_url: str, token: str = TOKEN) -> NoteTarget:
    return NoteTarget(api_url, "group/platform", "12", token)


def test_first_pipeline_creates_later_ones_update_in_place(gitlab: tuple[FakeGitLab, str]) -> None:
    state, url = gitlab
    state.add("LGTM", author=SOMEONE_ELSE)
    state.add("a human quoting <!-- platformctl:plan:dev --> in a reply", author=SOMEONE_ELSE)
    state.add("<!-- platformctl:plan:dev --> system copy", system=True)
    first = mr_note.post_notes(target(url), [("dev", mr_note.note_body("dev", "# plan one"))])
    assert first == [("dev", "created", 104)]
    state.add("unrelated note of mine")  # the sticky note is now on page 2 of 3
    second = mr_note.post_notes(
        target(url),
        [("dev", mr_note.note_body("dev", "# plan two")), ("prod", mr_note.note_body("prod", "# prod plan"))],
    )
    assert second == [("dev", "updated", 104), ("prod", "created", 106)]
    ours = [n for n in state.notes if n["author"]["id"] == ME and not n["system"]]
    assert [n["body"].splitlines()[0] for n in ours] == [
        "<!-- platformctl:plan:dev -->",
        "unrelated note of mine",
        "<!-- platformctl:plan:prod -->",
    ]
    assert "# plan two" in ours[0]["body"] and "# plan one" not in ours[0]["body"]
    assert state.notes[1]["body"].startswith("a human quoting")  # never edited
    assert ("PUT", "/api/v4/projects/group%2Fplatform/merge_requests/12/notes/104") in state.requests


def test_api_errors_are_clean_and_never_show_the_token(gitlab: tuple[FakeGitLab, str]) -> None:
    state, url = gitlab
    with pytest.raises(NoteError, match="answered 401") as info:
        mr_note.post_notes(target(url, token="wrong"), [("dev", "x")])
    assert TOKEN not in str(info.value) and "wrong" not in str(info.value)
    state.fail_with = 500
    with pytest.raises(NoteError, match=r"GET http://127\.0\.0\.1:\d+/api/v4/user answered 500"):
        mr_note.post_notes(target(url), [("dev", "x")])
    with pytest.raises(NoteError, match="failed"):
        mr_note.post_notes(target("http://127.0.0.1:9/api/v4"), [("dev", "x")])


def test_target_comes_from_ci_variables_or_a_reason_to_skip() -> None:
    ci = {"CI_API_V4_URL": "https://gitlab.example/api/v4", "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "3"}
    assert "GITLAB_API_TOKEN is not set" in str(NoteTarget.from_env(ci))
    assert "not a merge-request pipeline" in str(
        NoteTarget.from_env({**ci, "GITLAB_API_TOKEN": "t", "CI_MERGE_REQUEST_IID": ""})
    )
    found = NoteTarget.from_env({**ci, "GITLAB_API_TOKEN": "t"})
    assert found == NoteTarget("https://gitlab.example/api/v4", "42", "3", "t")


def test_body_starts_with_the_marker_and_is_cut_to_gitlabs_limit() -> None:
    body = mr_note.note_body("staging", "# plan\n" + "x" * (mr_note.MAX_BODY + 10), pipeline_url="https://p/1")
    assert body.startswith("<!-- platformctl:plan:staging -->\n# plan\n")
    assert len(body) < 1_000_000 and "cut here" in body and body.rstrip().endswith("[pipeline](https://p/1).</sub>")


# -- the CLI edge ------------------------------------------------------------------------------------
@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(commands, "env_build_dir", lambda env: tmp_path / env)
    (tmp_path / "dev").mkdir()
    shutil.copy(FIXTURE, tmp_path / "dev" / "plan.json")
    gates = [
        {"source": "skip-comments", "findings": [], "skips": [], "passed": 3, "errors": [], "artifacts": []},
        {"source": "checkov-plan:dev", "findings": [], "skips": [], "passed": 40, "errors": [], "artifacts": []},
        {
            "source": "plan-rules:dev",
            "findings": [{"rule_id": "PLAT_PLAN_2", "severity": "HIGH", "resource": "aws_s3_bucket.b",
                          "message": "no lifecycle", "source": "plan-rules:dev", "file": "modules/x/main.tf",
                          "line": 4}],
            "skips": [], "passed": 5, "errors": [], "artifacts": [],
        },
        {"source": "checkov-plan:prod", "findings": [], "skips": [], "passed": 1, "errors": [], "artifacts": []},
    ]  # fmt: skip
    (tmp_path / "gates.json").write_text(json.dumps(gates), encoding="utf-8")
    return tmp_path


def test_cli_dry_run_shows_plan_and_this_envs_policy(build: Path) -> None:
    result = CliRunner().invoke(
        commands.group, ["mr-notes", "dev", "prod", "--gates", str(build / "gates.json"), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    dev, prod = result.output.split("<!-- platformctl:plan:prod -->")
    assert dev.startswith("<!-- platformctl:plan:dev -->") and "# Terraform plan: `dev`" in dev
    assert "Policy gate (dev): FAILED" in dev and "PLAT_PLAN_2" in dev and "checkov-plan:prod" not in dev
    assert "**No plan**" in prod  # build/prod/plan.json is missing


def test_cli_skips_without_a_token(build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITLAB_API_TOKEN", raising=False)
    result = CliRunner().invoke(commands.group, ["mr-notes", "dev", "--gates", str(build / "gates.json")])
    assert result.exit_code == 0, result.output
    assert "mr-notes: skipped: GITLAB_API_TOKEN is not set" in result.output


def test_cli_posts_through_the_api(
    build: Path, gitlab: tuple[FakeGitLab, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = gitlab
    for key, value in {
        "GITLAB_API_TOKEN": TOKEN,
        "CI_API_V4_URL": url,
        "CI_PROJECT_ID": "group/platform",
        "CI_MERGE_REQUEST_IID": "12",
    }.items():
        monkeypatch.setenv(key, value)
    args = ["mr-notes", "dev", "--gates", str(build / "gates.json")]
    assert "dev: created note 101" in CliRunner().invoke(commands.group, args).output
    assert "dev: updated note 101" in CliRunner().invoke(commands.group, args).output
    assert len(state.notes) == 1
