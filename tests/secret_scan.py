"""Secret values in Terraform artifacts (plan JSON, state), found two ways.

1. detect-secrets (Yelp, pinned in requirements.txt) with its default plugins: keyword, high-entropy
   and the known token formats (AWS keys, private keys, JWTs, Slack, ...). Plan and state are one
   string per line once flattened, `"<resource address>.<attribute path>": "<value>"`, so each hit
   names the resource and attribute it was found in, and the keyword plugin sees the attribute name.
2. The platform's own shapes: attributes that hold a secret whatever it looks like (an API Gateway
   key's `value`, a secret version's `secret_string`, master and admin passwords, a connection's
   API key or basic-auth password). Any non-empty value there is a hit, sensitive-marked or not:
   the artifact holds it in clear either way.

A few value shapes that detect-secrets' entropy plugins report but that are not secret are let
through, each with its reason (BENIGN); nothing else is.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

# resource type -> attribute paths (dotted, * for any list index or map key) that hold a secret value.
SECRET_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_api_gateway_api_key": ("value",),
    "aws_api_gateway_usage_plan_key": ("value",),
    "aws_secretsmanager_secret_version": ("secret_string", "secret_binary"),
    "aws_ssm_parameter": ("value", "insecure_value"),
    "aws_db_instance": ("password",),
    "aws_rds_cluster": ("master_password",),
    "aws_redshift_cluster": ("master_password",),
    "aws_redshiftserverless_namespace": ("admin_user_password",),
    "aws_cloudwatch_event_connection": (
        "auth_parameters.*.api_key.*.value",
        "auth_parameters.*.basic.*.password",
        "auth_parameters.*.oauth.*.client_parameters.*.client_secret",
    ),
    "aws_iam_access_key": ("secret", "ses_smtp_password_v4"),
    "random_password": ("result",),
    "tls_private_key": ("private_key_pem", "private_key_openssh", "private_key_pem_pkcs8"),
}
# Any resource: attribute names that only ever carry a secret.
SECRET_NAMES = re.compile(r"(^|_)(password|passwd|secret_string|master_user_password|client_secret)$")

_HEX40_OR_64 = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_ENUM_OR_TYPE = re.compile(r"^(?:[A-Z][A-Z_]*|[a-z]+(?:[_-][a-z]+)*)$")
# modules/eventbridge-central-bus/api_destination.tf: the connection's credential before an operator sets it.
OUT_OF_BAND_PLACEHOLDER = "placeholder-set-out-of-band"
_LOG_GROUP = re.compile(r"^API-Gateway-Execution-Logs_[a-z0-9]{10}/[A-Za-z0-9_-]{1,128}$")
# (attribute path pattern, value check, why it is not a secret)
BENIGN: tuple[tuple[re.Pattern[str], Any, str], ...] = (
    (
        re.compile(r"(^|\.)(rendered_body_sha1|etag|source_code_hash|output_base64sha256|.*_sha1|.*_sha256)$"),
        _HEX40_OR_64.match,
        "a content hash, derived from public configuration",
    ),
    (
        re.compile(r"(^|\.)triggers\.redeployment$"),
        _HEX40_OR_64.match,
        "a deployment's redeployment trigger: the sha1 of the rendered API definition",
    ),
    (re.compile(r"(^|\.)grant\.\d+\.id$"), _HEX40_OR_64.match, "an S3 canonical user id, an account identifier"),
    (
        re.compile(r"(^|\.)(id|name|log_group_name|arn)$"),
        _LOG_GROUP.match,
        "the log group API Gateway names after the REST API id and the stage",
    ),
    (
        re.compile(r"(^|\.)auth_parameters\.\d+\.(api_key\.\d+\.value|basic\.\d+\.password)$"),
        lambda value: value == OUT_OF_BAND_PLACEHOLDER,
        "the central bus module's fixed placeholder; the real credential is set out of band, never in state",
    ),
)


@dataclass(frozen=True)
class Hit:
    artifact: str
    where: str  # resource address and attribute path
    finding: str  # detector or platform shape
    value_preview: str  # the first and last characters only, so the report does not repeat the secret

    def __str__(self) -> str:
        return f"{self.artifact}: {self.where}: {self.finding} ({self.value_preview})"


def _preview(value: str) -> str:
    return f"{value[:3]}...{value[-2:]} ({len(value)} chars)" if len(value) > 8 else f"{len(value)} chars"


def _private_data(path: str, value: str) -> bool:
    """Provider private data (timeouts, schema version) is base64 of a small JSON object."""
    if not path.endswith("private"):
        return False
    try:
        decoded = json.loads(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        return False
    return isinstance(decoded, dict)


def _benign(where: str, value: str, finding: str) -> bool:
    attribute = where.split(" ", 1)[-1]
    if _private_data(attribute, value):
        return True
    if finding == "Secret Keyword" and (value.startswith("arn:") or _ENUM_OR_TYPE.match(value)):
        # The keyword plugin flags any value under a name such as api_key_source or admin_secret_arn: an
        # ARN names a secret without holding it; an enum word (HEADER, out_of_band), a header name
        # (x-api-key) or a type name (dynamic) is lower- or upper-case letters only, never a credential.
        return True
    return any(pattern.search(attribute) and check(value) for pattern, check, _ in BENIGN)


# -- walking plan JSON and state ------------------------------------------------------------------------------


def _strings(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, str(index)))


def _resource_bodies(document: Any) -> Iterator[tuple[str, str, str, Any]]:
    """(address, type, part, attributes) of every resource object in a plan or a state, wherever it sits."""
    if isinstance(document, dict):
        rtype = document.get("type")
        if isinstance(rtype, str) and isinstance(document.get("address") or document.get("name"), str):
            module = f"{document['module']}." if document.get("module") and not document.get("address") else ""
            address = document.get("address") or f"{module}{rtype}.{document['name']}"
            if "values" in document:
                yield address, rtype, "values", document["values"]
            if isinstance(document.get("change"), dict):
                for part in ("before", "after"):
                    yield address, rtype, f"change.{part}", document["change"].get(part)
            for instance in document.get("instances") or []:
                key = instance.get("index_key")
                label = address if key is None else f"{address}[{json.dumps(key)}]"
                yield label, rtype, "attributes", instance.get("attributes")
        for key, value in document.items():
            if key not in ("values", "change", "instances"):
                yield from _resource_bodies(value)
    elif isinstance(document, list):
        for item in document:
            yield from _resource_bodies(item)


def _matches(pattern: str, path: tuple[str, ...]) -> bool:
    wanted = pattern.split(".")
    return len(wanted) == len(path) and all(w in ("*", p) for w, p in zip(wanted, path, strict=True))


def _platform_shapes(artifact: str, document: Any) -> Iterator[Hit]:
    for address, rtype, _, body in _resource_bodies(document):
        for path, value in _strings(body):
            if not value:
                continue
            named = SECRET_NAMES.search(path[-1]) if path else None
            shaped = any(_matches(p, path) for p in SECRET_ATTRIBUTES.get(rtype, ()))
            if (named or shaped) and not _benign(f"{address} {'.'.join(path)}", value, "platform shape"):
                yield Hit(artifact, f"{address} {'.'.join(path)}", f"{rtype} secret attribute", _preview(value))


def _located_strings(
    node: Any, where: str = "", path: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...], str]]:
    """Every string of the document with the resource it belongs to and its attribute path there
    (the same place in planned values, a change's before/after and a state instance reads the same);
    outside resources, its path from the top."""
    if isinstance(node, dict):
        if isinstance(node.get("type"), str) and isinstance(node.get("name"), str) and "instances" in node:
            module = f"{node['module']}." if node.get("module") else ""
            address = f"{module}{node['type']}.{node['name']}"
            for instance in node["instances"] or []:
                key = instance.get("index_key")
                label = address if key is None else f"{address}[{json.dumps(key)}]"
                yield from _located_strings(instance.get("attributes"), label, ())
                yield from _located_strings(instance.get("private"), label, ("private",))
            return
        if isinstance(node.get("address"), str):
            where, path = node["address"], ()
            for part in ("values", "change"):
                body = node.get(part)
                if part == "change" and isinstance(body, dict):
                    for side in ("before", "after"):
                        yield from _located_strings(body.get(side), where, ())
                elif body is not None:
                    yield from _located_strings(body, where, ())
            node = {k: v for k, v in node.items() if k not in ("values", "change")}
        for key, value in node.items():
            yield from _located_strings(value, where, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _located_strings(value, where, (*path, str(index)))
    elif isinstance(node, str):
        yield where, path, node


def _detect_secrets(artifact: str, document: Any) -> Iterator[Hit]:
    # One line per distinct (attribute name, value): a plan repeats each value in planned_values,
    # resource_changes and prior_state, and the scan is the slow part. Every place is reported.
    places: dict[tuple[str, str], list[str]] = {}
    for address, path, value in _located_strings(document):
        if value:
            places.setdefault((path[-1] if path else "", value), []).append(f"{address or '(top)'} {'.'.join(path)}")
    lines = list(places)
    with tempfile.TemporaryDirectory() as directory:
        flat = Path(directory) / "artifact.json"
        flat.write_text(
            "\n".join(f"{json.dumps(key)}: {json.dumps(value)}," for key, value in lines) + "\n", encoding="utf-8"
        )
        secrets = SecretsCollection()
        with default_settings():
            secrets.scan_file(str(flat))
        for _, secret in secrets:
            key, value = lines[secret.line_number - 1]
            candidate = secret.secret_value or value
            for where in places[(key, value)]:
                if not _benign(where, candidate, secret.type):
                    yield Hit(artifact, where, secret.type, _preview(candidate))


def scan(artifact: str, document: Any) -> list[Hit]:
    """Every secret value in a plan JSON or state document, each once per place."""
    hits = {
        (h.where, h.finding): h for h in (*_platform_shapes(artifact, document), *_detect_secrets(artifact, document))
    }
    return sorted(hits.values(), key=lambda h: (h.where, h.finding))


def scan_file(path: Path, label: str | None = None) -> list[Hit]:
    return scan(label or str(path), json.loads(path.read_text(encoding="utf-8")))
