"""One sticky merge-request note per environment: the plan summary and the policy result, updated in place.

Each note starts with a hidden marker, `<!-- platformctl:plan:<env> -->`. A pipeline looks for a note of
its own author (the token's user) carrying the marker and edits it; only when there is none does it add
one, so a merge request holds one note per environment however many pipelines ran.

GitLab Notes API (REST v4, https://docs.gitlab.com/api/notes/):
  GET  /projects/:id/merge_requests/:iid/notes     list (paginated: X-Next-Page)
  POST /projects/:id/merge_requests/:iid/notes     create {body}
  PUT  /projects/:id/merge_requests/:iid/notes/:n  edit {body}
  GET  /user                                       the token's user (whose notes may be edited)
The token is a project access token with the `api` scope (CI/CD variable GITLAB_API_TOKEN, masked); the
job token cannot write notes. Plain urllib: the package has no HTTP client dependency of its own.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from platformctl.errors import PlatformError

TOKEN_VARIABLE = "GITLAB_API_TOKEN"
# GitLab rejects notes over 1,000,000 characters; leave room for the marker and the footer.
MAX_BODY = 900_000


class NoteError(PlatformError):
    """The GitLab API refused or failed a request."""


def marker(env: str) -> str:
    return f"<!-- platformctl:plan:{env} -->"


@dataclass(frozen=True)
class NoteTarget:
    """Where the notes go, from GitLab's predefined CI variables."""

    api_url: str
    project_id: str
    merge_request_iid: str
    token: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> NoteTarget | str:
        """The target, or why there is none (the reason is printed and the step is skipped)."""
        if not env.get(TOKEN_VARIABLE):
            return (
                f"{TOKEN_VARIABLE} is not set: no merge-request note (add a project access token with the `api` "
                f"scope as a masked CI/CD variable {TOKEN_VARIABLE}; see README.md, 'Merge-request feedback')"
            )
        if not env.get("CI_MERGE_REQUEST_IID"):
            return "not a merge-request pipeline (CI_MERGE_REQUEST_IID is unset): no merge-request note"
        missing = [name for name in ("CI_API_V4_URL", "CI_PROJECT_ID") if not env.get(name)]
        if missing:
            return f"{', '.join(missing)} unset: no merge-request note"
        return cls(
            env["CI_API_V4_URL"].rstrip("/"), env["CI_PROJECT_ID"], env["CI_MERGE_REQUEST_IID"], env[TOKEN_VARIABLE]
        )


def note_body(env: str, summary_markdown: str, *, pipeline_url: str | None = None) -> str:
    """The marker, the summary (cut to GitLab's size limit) and where it came from."""
    text = summary_markdown.strip()
    if len(text) > MAX_BODY:
        text = text[:MAX_BODY] + "\n\n… cut here: the whole summary is in the plan job's artifacts (plan.md)."
    footer = f"\n\n<sub>Updated by [pipeline]({pipeline_url}).</sub>" if pipeline_url else ""
    return f"{marker(env)}\n{text}{footer}\n"


# -- HTTP --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: Any


Transport = Callable[[str, str, Mapping[str, str], bytes | None], Response]


def urllib_transport(timeout: float = 30.0) -> Transport:
    def send(method: str, url: str, headers: Mapping[str, str], data: bytes | None) -> Response:
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                raw = reply.read()
                return Response(
                    reply.status, {k.lower(): v for k, v in reply.headers.items()}, json.loads(raw) if raw else None
                )
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise NoteError(f"GitLab API {method} {_redact(url)} answered {exc.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise NoteError(f"GitLab API {method} {_redact(url)} failed: {exc}") from None

    return send


def _redact(url: str) -> str:
    return url.split("?", 1)[0]


class NotesClient:
    def __init__(self, target: NoteTarget, transport: Transport | None = None) -> None:
        self.target = target
        self.transport = transport or urllib_transport()
        project = urllib.parse.quote(target.project_id, safe="")
        self.notes_url = f"{target.api_url}/projects/{project}/merge_requests/{target.merge_request_iid}/notes"

    def _call(self, method: str, url: str, payload: Mapping[str, Any] | None = None) -> Response:
        headers = {"PRIVATE-TOKEN": self.target.token, "Accept": "application/json"}
        data = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(payload).encode("utf-8")
        return self.transport(method, url, headers, data)

    def current_user_id(self) -> int:
        reply = self._call("GET", f"{self.target.api_url}/user")
        if not isinstance(reply.body, dict) or "id" not in reply.body:
            raise NoteError("GitLab API GET /user returned no user id")
        return int(reply.body["id"])

    def notes(self) -> Iterator[dict[str, Any]]:
        page = "1"
        while page:
            query = urllib.parse.urlencode({"per_page": 100, "page": page, "sort": "asc", "order_by": "created_at"})
            reply = self._call("GET", f"{self.notes_url}?{query}")
            if not isinstance(reply.body, list):
                raise NoteError("GitLab API listed the notes as something other than a list")
            yield from reply.body
            page = reply.headers.get("x-next-page", "")

    def upsert(self, env: str, body: str) -> tuple[str, int]:
        """("updated" | "created", note id) of the sticky note of `env`."""
        me = self.current_user_id()
        tag = marker(env)
        for note in self.notes():
            if note.get("system") or (note.get("author") or {}).get("id") != me:
                continue
            if str(note.get("body", "")).lstrip().startswith(tag):
                self._call("PUT", f"{self.notes_url}/{note['id']}", {"body": body})
                return "updated", int(note["id"])
        reply = self._call("POST", self.notes_url, {"body": body})
        if not isinstance(reply.body, dict) or "id" not in reply.body:
            raise NoteError("GitLab API created a note but returned no id")
        return "created", int(reply.body["id"])


def post_notes(
    target: NoteTarget, bodies: Sequence[tuple[str, str]], transport: Transport | None = None
) -> list[tuple[str, str, int]]:
    """(env, "updated" | "created", note id) for each (env, body)."""
    client = NotesClient(target, transport)
    return [(env, *client.upsert(env, body)) for env, body in bodies]
