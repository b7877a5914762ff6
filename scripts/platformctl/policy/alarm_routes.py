"""PLAT_PLAN_8: every CloudWatch alarm's actions reach someone.

An alarm notifies its actions (alarm_actions, ok_actions, insufficient_data_actions). An action that
is an SNS topic of this plan reaches someone only if the topic has a subscription or an AWS Chatbot
channel configuration lists it; a topic, or any other action ARN, that the plan does not manage is
someone else's target and counts as reached. An alarm fails when its actions lead only to topics of
this plan that nobody hears, and when it has no alarm_actions at all: an alarm that notifies nobody
when it fires is a route to nobody too (every alarm goes through the catalog's notifications).

New topics have no ARN until apply, so the actions are traced through the configuration: resource
references, module variables and outputs, root variables (whose values the plan holds) and locals
(which the plan JSON leaves out, so their one-line definition is read from the module's source; a
one-line `var.x == null ? A : B` follows the branch the caller's argument for x picks).
Where a trace ends somewhere the plan cannot see (a data source, an unreadable local), the alarm is
not judged rather than guessed at.

A service-managed StackSet's alarms live in its template (aws_cloudformation_stack_set.template_body,
JSON the plan holds as a string), so the template is judged the same way: every AWS::CloudWatch::Alarm
needs AlarmActions, and an action that is a topic of the template needs an AWS::SNS::Subscription (or
an inline Subscription) on that topic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from platformctl.planjson import name_and_index, split_address
from platformctl.policy.planindex import PlanIndex, PlanResource

ACTION_KEYS = ("alarm_actions", "ok_actions", "insufficient_data_actions")
TOPIC = "aws_sns_topic"
# Deliveries that make a topic heard: SNS subscriptions and AWS Chatbot channels, which subscribe the
# topics they list themselves (https://docs.aws.amazon.com/chatbot/latest/adminguide/getting-started.html).
LISTENERS = {
    "aws_sns_topic_subscription": "topic_arn",
    "aws_chatbot_slack_channel_configuration": "sns_topic_arns",
    "aws_chatbot_teams_channel_configuration": "sns_topic_arns",
}
# A module reference keeps its output name (module.<call>[<key>].<output>): the output is what is traced.
_REFERENCE = re.compile(
    r"\bmodule\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.[A-Za-z0-9_-]+"
    r"|\b(?:var|local|data\.[a-z0-9_]+|aws_[a-z0-9_]+)\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?"
)
_ARN_LITERAL = re.compile(r'"(arn:[^"$]+)"')
_NOT_TRACED = ("each", "count", "path", "terraform", "self")
_NULL_CHOICE = re.compile(r"^var\.([A-Za-z0-9_]+)\s*==\s*null\s*\?\s*(.+?)\s*:\s*(.+)$")

Modules = tuple[tuple[str, Any], ...]


@dataclass
class Trace:
    """Where an expression leads: managed resources, known ARN strings, and whether it left the plan."""

    resources: dict[str, PlanResource] = field(default_factory=dict)
    arns: set[str] = field(default_factory=set)
    opaque: bool = False

    def add(self, other: Trace) -> None:
        self.resources.update(other.resources)
        self.arns |= other.arns
        self.opaque = self.opaque or other.opaque


def _arns_in(value: Any) -> Iterator[str]:
    if isinstance(value, str) and value.startswith("arn:"):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _arns_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arns_in(item)


def _walk(value: Any, steps: list[str]) -> Any:
    for step in steps:
        name, index = name_and_index(step)
        value = value.get(name) if isinstance(value, dict) else None
        if index is None:
            continue
        if isinstance(value, list) and isinstance(index, int):
            value = value[index] if index < len(value) else None
        else:
            value = value.get(index) if isinstance(value, dict) else None
    return value


def _most_specific(refs: list[str]) -> list[str]:
    """Terraform lists a.b.c and also a.b and a; keep only the longest of each chain."""
    return [r for r in refs if not any(o != r and o.startswith(r + ".") for o in refs)]


class AlarmTracer:
    def __init__(self, index: PlanIndex) -> None:
        self.index = index
        self._sources: dict[str, list[str]] = {}

    def _local_refs(self, modules: Modules, name: str) -> list[str] | None:
        directory = self.index._module_dirs.get(tuple(n for n, _ in modules))
        if directory is None or not directory.is_dir():
            return None
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=\s*(.+)$")
        for path in sorted(directory.glob("*.tf")):
            lines = self._sources.setdefault(str(path), path.read_text(errors="replace").splitlines())
            for line in lines:
                if match := pattern.match(line):
                    text = self._chosen_branch(modules, match.group(1))
                    return _REFERENCE.findall(text) + [f'"{a}"' for a in _ARN_LITERAL.findall(text)]
        return None

    def _chosen_branch(self, modules: Modules, text: str) -> str:
        """`var.x == null ? A : B` (a fallback such as warnings to the critical topic when no warning topic
        is given) follows the branch the caller's argument picks; both when the plan cannot tell."""
        choice = _NULL_CHOICE.match(text.strip())
        if choice is None:
            return text
        is_null = self._argument_is_null(modules, choice.group(1))
        if is_null is None:
            return text
        return choice.group(2) if is_null else choice.group(3)

    def _argument_is_null(self, modules: Modules, variable: str) -> bool | None:
        names = tuple(n for n, _ in modules)
        if not names:
            value = (self.index.plan.get("variables") or {}).get(variable)
            return None if value is None else value.get("value") is None
        expression = ((self.index._module_call(names) or {}).get("expressions") or {}).get(variable)
        if expression is None:
            declared = ((self.index.reader.config_module(names) or {}).get("variables") or {}).get(variable) or {}
            return declared.get("default") is None
        if expression.get("references"):
            return False  # a module output or resource attribute: a topic ARN, known after apply
        return expression.get("constant_value") is None

    def trace(
        self, refs: list[str], modules: Modules, own_index: Any, depth: int = 0, suffix: tuple[str, ...] = ()
    ) -> Trace:
        """`suffix`: attribute steps still to apply when `refs` is one variable passed on unchanged
        (var.alarm_topics.central.critical... in a module whose caller passes var.alarm_topics)."""
        result = Trace()
        if depth > 10:
            result.opaque = True
            return result
        for ref in _most_specific(refs):
            if ref.startswith('"arn:'):
                result.arns.add(ref.strip('"'))
                continue
            parts = split_address(ref)
            head = parts[0]
            if head in _NOT_TRACED:
                continue
            if head == "var" and len(parts) > 1:
                result.add(self._variable(parts, modules, depth, suffix))
            elif head == "local" and len(parts) > 1:
                local_refs = self._local_refs(modules, parts[1])
                if local_refs is None:
                    result.opaque = True
                else:
                    result.add(self.trace(local_refs, modules, own_index, depth + 1))
            elif head == "module" and len(parts) > 2:
                name, key = name_and_index(parts[1])
                child = self.index.reader.config_module((*(n for n, _ in modules), name)) or {}
                output = ((child.get("outputs") or {}).get(parts[2]) or {}).get("expression") or {}
                result.add(self.trace(list(output.get("references") or []), (*modules, (name, key)), None, depth + 1))
            elif head.startswith("data"):
                result.opaque = True
            else:
                found = self.index._resolve([ref], modules, own_index, depth=0)
                result.resources.update({r.address: r for r in found})
                result.opaque = result.opaque or not found
        return result

    def _variable(self, parts: list[str], modules: Modules, depth: int, suffix: tuple[str, ...]) -> Trace:
        steps = (*parts[2:], *suffix)
        if not modules:
            value = ((self.index.plan.get("variables") or {}).get(parts[1]) or {}).get("value")
            return Trace(arns=set(_arns_in(_walk(value, list(steps)))))
        call = self.index._module_call(tuple(n for n, _ in modules)) or {}
        expression = (call.get("expressions") or {}).get(parts[1]) or {}
        result = Trace(arns=set(_arns_in(_walk(expression.get("constant_value"), list(steps)))))
        refs = _most_specific(list(expression.get("references") or []))
        # Steps apply through a caller that passes one variable as it is; otherwise every ARN it holds counts.
        passed_on = steps if len(refs) == 1 and refs[0].startswith("var.") else ()
        result.add(self.trace(refs, modules[:-1], modules[-1][1], depth + 1, passed_on))
        return result

    def actions(self, alarm: PlanResource, keys: tuple[str, ...] = ACTION_KEYS) -> Trace:
        result = Trace()
        block = self.index.block_text(alarm)
        lines = block[2] if block else []
        for key in keys:
            result.arns |= {a for a in alarm.values.get(key) or [] if isinstance(a, str) and a}
            expression = self.index.expression(alarm, key) or {}
            result.arns |= set(_arns_in(expression.get("constant_value")))
            # Literal ARNs beside references are not in the plan's configuration; the declaring line has them.
            result.arns |= {a for line in lines if re.match(rf"\s*{key}\s*=", line) for a in _ARN_LITERAL.findall(line)}
            refs = list(expression.get("references") or [])
            if refs:
                result.add(self.trace(refs, alarm.parsed.modules, alarm.index))
        return result


def _known_arn(resource: PlanResource) -> str | None:
    arn = resource.values.get("arn")
    return arn if isinstance(arn, str) and arn else None


def _listened(index: PlanIndex, topic: PlanResource) -> bool:
    arn = _known_arn(topic)
    for rtype, attribute in LISTENERS.items():
        for listener in index.of_type(rtype):
            if any(r.address == topic.address for r in index.references(listener, attribute)):
                return True
            value = listener.values.get(attribute)
            if arn is not None and (value == arn or (isinstance(value, list) and arn in value)):
                return True
    return False


def alarms_reach_someone(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    topics = index.of_type(TOPIC)
    heard = {topic.address: _listened(index, topic) for topic in topics}
    managed_arns = {arn: topic for topic in topics if (arn := _known_arn(topic))}
    tracer = AlarmTracer(index)
    problems = []
    for alarm in index.of_type("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"):
        name = alarm.values.get("alarm_name") or alarm.address
        if _has_no_alarm_actions(tracer, alarm):
            problems.append(
                (
                    alarm,
                    f"alarm {name} has no alarm_actions, so nobody hears it fire: route it through notifications "
                    "(the alarm topic of its account and severity, whose targets come from notifications in "
                    "config/environments/<env>.yaml)",
                )
            )
            continue
        trace = tracer.actions(alarm)
        reached = [t for t in trace.resources.values() if t.type == TOPIC]
        reached += [managed_arns[a] for a in trace.arns if a in managed_arns]
        others = [a for a in trace.arns if a not in managed_arns]
        non_topics = [r for r in trace.resources.values() if r.type != TOPIC]
        if others or non_topics or any(heard[t.address] for t in reached):
            continue
        if trace.opaque or not reached:
            continue
        silent = ", ".join(sorted({t.address for t in reached}))
        problems.append(
            (
                alarm,
                f"alarm {name} notifies only {silent}, which nobody hears (no SNS subscription or "
                "Chatbot channel in this plan): add a critical or warning target under "
                "notifications in config/environments/<env>.yaml, or an existing topic",
            )
        )
    problems.extend(stack_set_alarms_reach_someone(index))
    return problems


def _has_no_alarm_actions(tracer: AlarmTracer, alarm: PlanResource) -> bool:
    """No alarm action: the plan knows an empty list, or the expression leads to no topic and no ARN (a
    list with actions unknown until apply shows them as nulls, so those are traced)."""
    listed = alarm.values.get("alarm_actions") if alarm.known("alarm_actions") else None
    if isinstance(listed, list) and listed and all(listed):
        return False
    if isinstance(listed, list) and not listed:
        return True
    trace = tracer.actions(alarm, keys=("alarm_actions",))
    return not (trace.resources or trace.arns or trace.opaque)


# -- StackSet templates ---------------------------------------------------------------------------------------

STACK_SET = "aws_cloudformation_stack_set"


def _template_refs(value: Any) -> Iterator[str]:
    """Logical IDs an action names: {"Ref": id} or {"Fn::GetAtt": [id, "TopicArn"]}."""
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            yield value["Ref"]
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute and isinstance(attribute[0], str):
            yield attribute[0]


def template_alarm_problems(template: dict[str, Any]) -> list[str]:
    """Why alarms of one CloudFormation template reach nobody: no AlarmActions, or only template topics
    without a subscription."""
    resources = template.get("Resources") or {}
    topics = {rid for rid, r in resources.items() if isinstance(r, dict) and r.get("Type") == "AWS::SNS::Topic"}
    heard = {rid for rid in topics if (resources[rid].get("Properties") or {}).get("Subscription")}
    for r in resources.values():
        if isinstance(r, dict) and r.get("Type") == "AWS::SNS::Subscription":
            heard.update(_template_refs((r.get("Properties") or {}).get("TopicArn")))
    problems = []
    for rid, r in sorted(resources.items()):
        if not isinstance(r, dict) or r.get("Type") != "AWS::CloudWatch::Alarm":
            continue
        actions = (r.get("Properties") or {}).get("AlarmActions") or []
        if not actions:
            problems.append(
                f"template alarm {rid} has no AlarmActions, so nobody hears it fire: give it the stack's own alarm "
                "topic with an e-mail or HTTPS subscription"
            )
            continue
        # An ARN string, an Fn::Sub or a reference to anything but a template topic is someone else's target.
        named = [list(_template_refs(action)) for action in actions]
        if any(not refs or any(ref not in topics for ref in refs) for refs in named):
            continue
        template_topics = [ref for refs in named for ref in refs]
        if any(ref in heard for ref in template_topics):
            continue
        problems.append(
            f"template alarm {rid} notifies only {', '.join(sorted(set(template_topics)))}, which has no "
            "AWS::SNS::Subscription in the template: add the critical emails or https_endpoints under "
            "notifications in config/environments/<env>.yaml"
        )
    return problems


def stack_set_alarms_reach_someone(index: PlanIndex) -> list[tuple[PlanResource, str]]:
    problems = []
    for stack_set in index.of_type(STACK_SET):
        body = stack_set.values.get("template_body")
        if not isinstance(body, str):
            continue  # unknown until apply, or a template_url: nothing to read
        try:
            template = json.loads(body)
        except json.JSONDecodeError:
            continue  # YAML templates are not judged; the platform renders JSON
        if isinstance(template, dict):
            problems.extend((stack_set, message) for message in template_alarm_problems(template))
    return problems
