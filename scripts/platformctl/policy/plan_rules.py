"""Plan-level rules: what needs several resources at once, over one environment's plan JSON.

Each rule takes a PlanIndex and returns findings (rule id, severity, resource address, message, and the
.tf file and line of the resource where the plan's configuration section leads to a local source).
Resources are correlated by known values when the plan has them and by configuration references when the
values are unknown until apply (a new stage's ARN, a new role's ARN).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from platformctl.policy.alarm_routes import alarms_reach_someone
from platformctl.policy.data_loss import data_losing_changes_are_acknowledged
from platformctl.policy.model import Finding, GateResult
from platformctl.policy.planindex import PlanIndex, PlanResource, relative


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    check: Callable[[PlanIndex], list[tuple[PlanResource, str]]]


# -- helpers ------------------------------------------------------------------------------------
def _blocks(values: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [b for b in values.get(key) or [] if isinstance(b, dict)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _policy(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return decoded if isinstance(decoded, dict) else None
    return None


def _points_at(index: PlanIndex, source: PlanResource, path: tuple[str | int, ...], target: PlanResource,
               identities: tuple[str, ...] = ("arn", "id", "name")) -> bool:
    """`source`'s attribute at `path` refers to `target`: by configuration reference, or by a known value
    equal to (or, for ARNs, ending with) one of target's known identities."""
    if any(r.address == target.address for r in index.references(source, *path)):
        return True
    value: Any = source.values
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and len(value) > step else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    if not isinstance(value, str) or not value:
        return False
    for key in identities:
        known = target.values.get(key)
        if isinstance(known, str) and known and value == known:
            return True
    return False


def _rest_api_of(index: PlanIndex, stage: PlanResource) -> PlanResource | None:
    for api in index.of_type("aws_api_gateway_rest_api"):
        if _points_at(index, stage, ("rest_api_id",), api, identities=("id",)):
            return api
    return None


# -- PLAT_PLAN_1 --------------------------------------------------------------------------------
def event_targets_have_dlq_and_retry(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    problems = []
    for target in index.of_type("aws_cloudwatch_event_target"):
        missing = []
        for block in ("dead_letter_config", "retry_policy"):
            # A block list left out of the plan is unknown until apply (a dynamic block over unknown values).
            if block in target.values and not _blocks(target.values, block):
                missing.append(block)
        dlq = _blocks(target.values, "dead_letter_config")
        if dlq and "arn" in dlq[0] and not dlq[0]["arn"]:
            missing.append("dead_letter_config.arn")
        if missing:
            why = []
            if any(m.startswith("dead_letter_config") for m in missing):
                why.append("events still undeliverable after the retries are dropped")
            if "retry_policy" in missing:
                why.append("retries fall back to implicit defaults (24 h, 185 attempts) instead of an explicit policy")
            problems.append((target, f"EventBridge target without {' and '.join(missing)}: {'; '.join(why)}"))
    return problems


# -- PLAT_PLAN_2 --------------------------------------------------------------------------------
REQUIRED_STAGE_ALARMS = {
    "Latency p95": ("Latency", "p95"),
    "Latency p99": ("Latency", "p99"),
    "5XXError": ("5XXError", None),
    "4XXError": ("4XXError", None),
}


def _alarm_metrics(alarm: PlanResource) -> list[tuple[str | None, str | None, dict[str, Any], str | None]]:
    """(namespace, metric, dimensions, percentile) of a metric alarm, including metric-math queries."""
    values = alarm.values
    metrics = [(values.get("namespace"), values.get("metric_name"), values.get("dimensions") or {},
                values.get("extended_statistic"))]
    for query in _blocks(values, "metric_query"):
        for metric in _blocks(query, "metric"):
            metrics.append((metric.get("namespace"), metric.get("metric_name"), metric.get("dimensions") or {},
                            metric.get("stat")))
    return metrics


def _percentile(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"[pP](\d+)(\.0+)?", value.strip())
    return f"p{match.group(1)}" if match else None


def stages_have_alarms(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    problems = []
    alarms = index.of_type("aws_cloudwatch_metric_alarm")
    for stage in index.of_type("aws_api_gateway_stage"):
        api = _rest_api_of(index, stage)
        api_name = api.values.get("name") if api else None
        stage_name = stage.values.get("stage_name")
        if not api_name or not stage_name:
            problems.append((stage, "cannot tell the stage's ApiName/Stage at plan time (no aws_api_gateway_rest_api "
                                    "with a known name behind rest_api_id): its alarms cannot be verified"))
            continue
        found = set()
        for alarm in alarms:
            for namespace, metric, dimensions, stat in _alarm_metrics(alarm):
                if namespace != "AWS/ApiGateway" or dimensions.get("ApiName") != api_name:
                    continue
                if dimensions.get("Stage") != stage_name:
                    continue
                for label, (wanted_metric, wanted_percentile) in REQUIRED_STAGE_ALARMS.items():
                    percentile_ok = wanted_percentile is None or _percentile(stat) == wanted_percentile
                    if metric == wanted_metric and percentile_ok:
                        found.add(label)
        missing = [label for label in REQUIRED_STAGE_ALARMS if label not in found]
        if missing:
            problems.append((stage, f"stage {api_name}/{stage_name} has no CloudWatch alarm (namespace AWS/ApiGateway, "
                                    f"dimensions ApiName={api_name}, Stage={stage_name}) for: {', '.join(missing)}"))
    return problems


# -- PLAT_PLAN_3 --------------------------------------------------------------------------------
GLUE_TABLE_ARN = re.compile(r"^arn:[\w-]+:glue:[^:]*:[^:]*:table/(?P<db>[^/]+)/(?P<table>.+)$")
AWS_MANAGED_POLICY_ARN = re.compile(r"^arn:[\w-]+:iam::aws:policy/")
# The object writes a delivery role can be granted; an action pattern (s3:*, s3:Put*) grants what it matches.
S3_OBJECT_WRITES = ("s3:putobject", "s3:putobjectacl", "s3:deleteobject", "s3:deleteobjectversion",
                    "s3:abortmultipartupload", "s3:restoreobject")


def _managed_policy_arns(index: PlanIndex, role: PlanResource) -> list[tuple[str, str]]:
    """(label, AWS-managed policy ARN) of every AWS-managed policy the plan attaches to the role."""
    role_name = role.values.get("name")
    found = [(role.address, arn) for arn in _as_list(role.values.get("managed_policy_arns"))]
    for attachment in index.of_type("aws_iam_role_policy_attachment", "aws_iam_role_policy_attachments_exclusive"):
        key = "role" if attachment.type == "aws_iam_role_policy_attachment" else "role_name"
        if _points_at(index, attachment, (key,), role, identities=("name", "id")) or (
                role_name and attachment.values.get(key) == role_name):
            arns = _as_list(attachment.values.get("policy_arn")) + _as_list(attachment.values.get("policy_arns"))
            found += [(attachment.address, arn) for arn in arns]
    for attachment in index.of_type("aws_iam_policy_attachment"):
        roles = _as_list(attachment.values.get("roles"))
        if (role_name and role_name in roles) or any(r.address == role.address
                                                     for r in index.references(attachment, "roles")):
            found.append((attachment.address, attachment.values.get("policy_arn")))
    return [(label, arn) for label, arn in found if isinstance(arn, str) and AWS_MANAGED_POLICY_ARN.match(arn)]


def _table_locations(index: PlanIndex) -> dict[tuple[str, str], tuple[str, str]]:
    """(database, table) -> (bucket, key prefix ending in "/") of each Glue table whose location the plan knows."""
    locations = {}
    for table in index.of_type("aws_glue_catalog_table"):
        pair = (table.values.get("database_name"), table.values.get("name"))
        descriptors = _blocks(table.values, "storage_descriptor")
        location = descriptors[0].get("location") if descriptors else None
        match = re.fullmatch(r"s3a?://([^/]+)/?(.*)", location) if isinstance(location, str) else None
        if match:
            key = match[2].rstrip("/")
            locations[pair] = (match[1], f"{key}/" if key else "")  # type: ignore[index]
    return locations


def _s3_write_problems(label: str, statement: dict[str, Any], own: list[tuple[str, str]],
                       warehouses: set[str]) -> list[str]:
    """Object writes of one statement that reach beyond the stream's own table prefixes in a warehouse bucket.
    With no known table location every bucket may be the warehouse: only whole-bucket writes are judged."""
    actions = [a.lower() for a in _as_list(statement.get("Action")) if isinstance(a, str)]
    writes = sorted({w for w in S3_OBJECT_WRITES for a in actions if fnmatch.fnmatchcase(w, a)})
    if not writes:
        return []
    problems = []
    for resource in (r for r in _as_list(statement.get("Resource")) if isinstance(r, str)):
        if resource == "*":
            problems.append(f"{label} grants {', '.join(writes)} on '*' (every bucket, the warehouse included)")
            continue
        match = re.fullmatch(r"arn:[\w-]+:s3:::([^/]*)(?:/(.*))?", resource)
        if not match:
            continue
        bucket_pattern, key_pattern = match[1], match[2]
        if key_pattern is None:
            continue  # the bucket itself: object writes do not apply to it
        wild_bucket = any(c in bucket_pattern for c in "*?")
        hit = [b for b in warehouses if fnmatch.fnmatchcase(b, bucket_pattern)] if warehouses else []
        if warehouses and not hit:
            continue
        literal = re.split(r"[*?]", key_pattern, maxsplit=1)[0]
        if wild_bucket or (not literal and (hit or not warehouses)):
            problems.append(f"{label} grants {', '.join(writes)} on {resource!r}: the whole warehouse bucket, not "
                            "the stream's table prefixes")
            continue
        if warehouses and not any(bucket in hit and literal.startswith(prefix) for bucket, prefix in own):
            prefixes = ", ".join(f"s3://{b}/{p}" for b, p in own) or "(none known)"
            problems.append(f"{label} grants {', '.join(writes)} on {resource!r}: broader than (or outside) the "
                            f"stream's table prefixes {prefixes}")
    return problems



def _role_policies(index: PlanIndex, role: PlanResource) -> list[tuple[str, Any]]:
    """(label, document or None when unknown at plan time) of every identity policy on the role."""
    documents: list[tuple[str, Any]] = []
    role_name = role.values.get("name")
    for policy in index.of_type("aws_iam_role_policy"):
        if _points_at(index, policy, ("role",), role, identities=("name", "id", "arn")) or (
                role_name and policy.values.get("role") == role_name):
            documents.append((policy.address, _policy(policy.values.get("policy"))))
    for inline in _blocks(role.values, "inline_policy"):
        if inline.get("policy"):
            documents.append((f"{role.address} inline_policy {inline.get('name')}", _policy(inline.get("policy"))))
    for attachment in index.of_type("aws_iam_role_policy_attachment"):
        if not (_points_at(index, attachment, ("role",), role, identities=("name", "id"))
                or (role_name and attachment.values.get("role") == role_name)):
            continue
        for managed in index.of_type("aws_iam_policy"):
            if _points_at(index, attachment, ("policy_arn",), managed, identities=("arn",)):
                documents.append((managed.address, _policy(managed.values.get("policy"))))
    return documents


def firehose_roles_scoped_to_own_tables(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    problems = []
    locations = _table_locations(index)  # the same for every stream: read the tables once
    for stream in index.of_type("aws_kinesis_firehose_delivery_stream"):
        iceberg = _blocks(stream.values, "iceberg_configuration")
        if not iceberg:
            continue
        tables = _blocks(iceberg[0], "destination_table_configuration")
        own = {(t.get("database_name"), t.get("table_name")) for t in tables}
        if any(None in pair for pair in own):
            problems.append((stream, "destination tables unknown at plan time: the role's scope cannot be verified"))
            continue
        roles = index.references(stream, "iceberg_configuration", 0, "role_arn")
        role_arn = iceberg[0].get("role_arn")
        if not roles and isinstance(role_arn, str):
            roles = [r for r in index.of_type("aws_iam_role")
                     if role_arn == r.values.get("arn") or role_arn.endswith(f":role/{r.values.get('name')}")]
        if not roles:
            problems.append((stream, "its delivery role is not in this plan: the role's scope cannot be verified"))
            continue
        own_prefixes = [locations[pair] for pair in sorted(own) if pair in locations]
        warehouses = {bucket for bucket, _ in locations.values()} if len(own_prefixes) == len(own) else set()
        for role in roles:
            reachable: set[tuple[str, str]] = set()
            unknown: list[str] = []
            for label, arn in _managed_policy_arns(index, role):
                problems.append((stream, f"{label} attaches the AWS-managed policy {arn} to role {role.address}: "
                                         "AWS-managed policies are not scoped to the stream's tables; grant what the "
                                         "stream needs in its own policies"))
            for label, document in _role_policies(index, role):
                if document is None:
                    unknown.append(label)
                    continue
                for statement in _as_list(document.get("Statement")):
                    if not isinstance(statement, dict) or str(statement.get("Effect")).lower() != "allow":
                        continue
                    problems += [(stream, p) for p in _s3_write_problems(label, statement, own_prefixes, warehouses)]
                    actions = [a for a in _as_list(statement.get("Action")) if isinstance(a, str)]
                    if not any(a == "*" or a.lower().startswith("glue:") for a in actions):
                        continue
                    for resource in _as_list(statement.get("Resource")):
                        match = GLUE_TABLE_ARN.match(resource) if isinstance(resource, str) else None
                        if match and "*" not in resource:
                            reachable.add((match["db"], match["table"]))
                        elif isinstance(resource, str) and ("*" in resource or ":table/" in resource):
                            problems.append((stream, f"{label} grants Glue actions on {resource!r}: the role must "
                                                     "name its stream's tables only"))
            # A policy that embeds a value computed at apply (a new key ARN) cannot be read in the plan
            # that creates it; it is read by every later plan (the next change, the scheduled drift job).
            # The Glue grant itself must be readable now, so the stream's tables must all be reached
            # through known policies; otherwise the unknown ones are named as the reason.
            if unknown and own - reachable:
                problems.append((stream, f"{', '.join(unknown)} of role {role.address} unknown at plan time (it "
                                         "embeds a value computed at apply, e.g. a new key ARN): keep the Glue "
                                         "statements in a policy whose JSON is known at plan time so its scope "
                                         "can be verified"))
            extra = sorted(reachable - own)
            missing = sorted(own - reachable)
            if extra:
                problems.append((stream, f"role {role.address} reaches tables other than the stream's own: "
                                         f"{', '.join(f'{d}.{t}' for d, t in extra)}"))
            if missing:
                problems.append((stream, f"role {role.address} has no Glue access to the stream's tables: "
                                         f"{', '.join(f'{d}.{t}' for d, t in missing)}"))
    return problems


# -- PLAT_PLAN_4 --------------------------------------------------------------------------------
DLQ_NAME = re.compile(r".*[-_]dlq(\.fifo)?", re.IGNORECASE)
# (resource type, path of the attribute that names a dead-letter target, JSON key inside it when it is JSON)
DLQ_REFERENCES: tuple[tuple[str, tuple[str | int, ...], str | None], ...] = (
    ("aws_sqs_queue", ("redrive_policy",), "deadLetterTargetArn"),
    ("aws_sns_topic_subscription", ("redrive_policy",), "deadLetterTargetArn"),
    ("aws_cloudwatch_event_target", ("dead_letter_config", 0, "arn"), None),
    ("aws_lambda_function", ("dead_letter_config", 0, "target_arn"), None),
    ("aws_lambda_event_source_mapping", ("destination_config", 0, "on_failure", 0, "destination_arn"), None),
)


def _value_at(values: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    node: Any = values
    for step in path:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and len(node) > step else None
        else:
            node = node.get(step) if isinstance(node, dict) else None
    return node


def _dead_letter_targets(index: PlanIndex) -> set[str]:
    queues = index.of_type("aws_sqs_queue")
    targets: set[str] = set()
    for rtype, path, json_key in DLQ_REFERENCES:
        for source in index.of_type(rtype):
            for queue in index.references(source, *path):
                if queue.type == "aws_sqs_queue" and queue.address != source.address:
                    targets.add(queue.address)
            value = _value_at(source.values, path)
            if json_key and isinstance(value, str):
                value = (_policy(value) or {}).get(json_key)
            if isinstance(value, str) and value:
                for queue in queues:
                    name = queue.values.get("name")
                    if value == queue.values.get("arn") or (name and value.endswith(f":{name}")):
                        targets.add(queue.address)
    return targets


def queues_have_dead_letter_queues(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    problems = []
    targets = _dead_letter_targets(index)
    for queue in index.of_type("aws_sqs_queue"):
        if queue.values.get("redrive_policy"):
            continue
        if queue.unknown("redrive_policy") and index.configured(queue, "redrive_policy"):
            continue  # configured from a value known at apply (the DLQ's new ARN)
        if queue.address in targets:
            continue
        name = queue.values.get("name") or queue.values.get("name_prefix") or ""
        if DLQ_NAME.fullmatch(name):
            continue
        problems.append((queue, "queue has no redrive_policy (dead-letter queue) and is not itself a dead-letter "
                                "queue (no queue, subscription, EventBridge target or function uses it as one, and "
                                "its name does not end in -dlq)"))
    return problems


# -- PLAT_PLAN_5 --------------------------------------------------------------------------------
def public_stages_have_waf(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    problems = []
    associations = index.of_type("aws_wafv2_web_acl_association")
    for stage in index.of_type("aws_api_gateway_stage"):
        api = _rest_api_of(index, stage)
        configs = _blocks(api.values, "endpoint_configuration") if api else []
        types = [t for c in configs for t in _as_list(c.get("types"))]
        if "PRIVATE" in types:
            continue
        if any(_points_at(index, a, ("resource_arn",), stage, identities=("arn",)) for a in associations):
            continue
        kind = "/".join(types) or "public (endpoint type unknown)"
        problems.append((stage, f"{kind} REST API stage without an aws_wafv2_web_acl_association"))
    return problems


# -- PLAT_PLAN_6 --------------------------------------------------------------------------------
def custom_domain_apis_disable_default_endpoint(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    problems = []
    mappings = index.of_type("aws_apigatewayv2_api_mapping", "aws_api_gateway_base_path_mapping")
    for api in index.of_type("aws_api_gateway_rest_api", "aws_apigatewayv2_api"):
        mapped = [m for m in mappings if _points_at(index, m, ("api_id",), api, identities=("id",))]
        if not mapped:
            continue
        value = api.values.get("disable_execute_api_endpoint")
        if value is True:
            continue
        state = "unknown until apply" if "disable_execute_api_endpoint" not in api.values else repr(value)
        problems.append((api, f"mapped to a custom domain by {mapped[0].address} but disable_execute_api_endpoint is "
                              f"{state}: callers could bypass the domain (and its WAF) through execute-api"))
    return problems


# -- PLAT_PLAN_7 --------------------------------------------------------------------------------
def _companions(index: PlanIndex, bucket: PlanResource, rtype: str) -> list[PlanResource]:
    return [c for c in index.of_type(rtype) if _points_at(index, c, ("bucket",), bucket, identities=("bucket", "id"))]


def buckets_are_encrypted_versioned_and_blocked(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    """Provider v5 configures a bucket through separate resources; each must exist and be right."""
    problems = []
    for bucket in index.of_type("aws_s3_bucket"):
        missing = []
        encryption = _companions(index, bucket, "aws_s3_bucket_server_side_encryption_configuration")
        algorithms = {d.get("sse_algorithm") for c in encryption for r in _blocks(c.values, "rule")
                      for d in _blocks(r, "apply_server_side_encryption_by_default")}
        if not encryption or not algorithms or not algorithms <= {"aws:kms", "aws:kms:dsse"}:
            missing.append("an aws_s3_bucket_server_side_encryption_configuration with aws:kms")
        versioning = [b for v in _companions(index, bucket, "aws_s3_bucket_versioning")
                      for b in _blocks(v.values, "versioning_configuration")]
        if not any(b.get("status") == "Enabled" for b in versioning):
            missing.append('an aws_s3_bucket_versioning with status "Enabled"')
        blocks = _companions(index, bucket, "aws_s3_bucket_public_access_block")
        settings = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
        if not any(all(b.values.get(s) is True for s in settings) for b in blocks):
            missing.append("an aws_s3_bucket_public_access_block with all four settings true")
        if missing:
            name = bucket.values.get("bucket") or bucket.address
            problems.append((bucket, f"bucket {name} lacks {'; '.join(missing)}"))
    return problems


# -- PLAT_PLAN_12 -------------------------------------------------------------------------------
def buckets_have_a_bucket_policy(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    """A bucket needs an aws_s3_bucket_policy; CKV_PLAT_27 checks that its content is TLS-only (in HCL, and in
    the plan scan once the policy's JSON is known)."""
    problems = []
    for bucket in index.of_type("aws_s3_bucket"):
        if _companions(index, bucket, "aws_s3_bucket_policy") or bucket.values.get("policy"):
            continue
        name = bucket.values.get("bucket") or bucket.address
        problems.append((bucket, f"bucket {name} has no aws_s3_bucket_policy: without a Deny of s3:* when "
                                 'aws:SecureTransport is "false" it accepts plain-HTTP requests'))
    return problems


RULES: tuple[Rule, ...] = (
    Rule("PLAT_PLAN_1", "HIGH", "Every EventBridge target has a dead_letter_config and a retry_policy",
         event_targets_have_dlq_and_retry),
    Rule("PLAT_PLAN_2", "MEDIUM", "Every API Gateway stage has alarms on p95 and p99 Latency, 5XXError and 4XXError",
         stages_have_alarms),
    Rule("PLAT_PLAN_3", "HIGH", "Every Firehose stream's role reaches exactly its own Iceberg tables in Glue",
         firehose_roles_scoped_to_own_tables),
    Rule("PLAT_PLAN_4", "HIGH", "Every SQS queue that is not a dead-letter queue has a redrive policy",
         queues_have_dead_letter_queues),
    Rule("PLAT_PLAN_5", "HIGH", "Every public (non-PRIVATE) REST API stage has a WAF web ACL association",
         public_stages_have_waf),
    Rule("PLAT_PLAN_6", "HIGH", "REST APIs mapped to a custom domain set disable_execute_api_endpoint = true",
         custom_domain_apis_disable_default_endpoint),
    Rule("PLAT_PLAN_7", "HIGH", "Every S3 bucket has SSE-KMS, versioning Enabled and a public access block with all "
         "four settings (separate resources in provider v5)", buckets_are_encrypted_versioned_and_blocked),
    Rule("PLAT_PLAN_8", "HIGH", "Every CloudWatch alarm (StackSet templates included) has alarm actions that reach "
         "someone: no action path ends only at topics without a subscription or Chatbot channel", alarms_reach_someone),
    Rule("PLAT_PLAN_12", "HIGH", "Every S3 bucket has a bucket policy (CKV_PLAT_27: a TLS-only one)",
         buckets_have_a_bucket_policy),
    Rule("PLAT_PLAN_11", "CRITICAL", "No plan replaces a Firehose stream or deletes an Iceberg table or an S3 bucket "
         "unless a named override with a reason acknowledges it", data_losing_changes_are_acknowledged),
)


def evaluate(index: PlanIndex, rules: tuple[Rule, ...] = RULES) -> GateResult:
    gate = GateResult(source=f"plan-rules:{index.label}" if index.label else "plan-rules")
    for rule in rules:
        problems = rule.check(index)
        if not problems:
            gate.passed += 1
        for resource, message in problems:
            located = index.locate(resource)
            gate.findings.append(Finding(rule.id, rule.severity, resource.address, message, gate.source,
                                         relative(located[0]) if located else None,
                                         located[1] if located else None))
    return gate
