"""The account topology of one environment as a Graphviz graph, generated from the resolved model.

Accounts are clusters (central, api, data, and the source accounts or the StackSet's OUs), the
resources the platform puts in each are nodes, and the flows between them are edges. The DOT text
is pure; rendering it to SVG is `platformctl.portal.tools.render_svg` (Debian's `dot`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from platformctl.catalog.inputs import EnvironmentInputs


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as centred line breaks."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class Graph:
    clusters: dict[str, tuple[str, list[tuple[str, str, str]]]] = field(default_factory=dict)  # id -> label, nodes
    loose: list[tuple[str, str, str]] = field(default_factory=list)  # (id, label, shape) outside any account
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, label)

    def cluster(self, key: str, label: str) -> list[tuple[str, str, str]]:
        return self.clusters.setdefault(key, (label, []))[1]

    def dot(self, title: str) -> str:
        lines = [
            "digraph topology {",
            f"  label={quote(title)}; labelloc=t; fontname=Helvetica; rankdir=LR; compound=true;",
            "  node [fontname=Helvetica, fontsize=10, style=filled, fillcolor=white];",
            "  edge [fontname=Helvetica, fontsize=9];",
        ]
        for key, (label, nodes) in self.clusters.items():
            lines.append(f"  subgraph {quote('cluster_' + key)} {{")
            lines.append(f"    label={quote(label)}; style=rounded; color=gray40; bgcolor=gray96;")
            lines += [f"    {quote(node)} [label={quote(text)}, shape={shape}];" for node, text, shape in nodes]
            lines.append("  }")
        lines += [f"  {quote(node)} [label={quote(text)}, shape={shape}];" for node, text, shape in self.loose]
        lines += [f"  {quote(a)} -> {quote(b)} [label={quote(text)}];" for a, b, text in self.edges]
        lines.append("}")
        return "\n".join(lines) + "\n"


def topology(env: EnvironmentInputs) -> Graph:
    graph = Graph()
    accounts = env.accounts
    central = graph.cluster("central", f"central account {accounts.central}")
    central.append(("bus", "central event bus", "box"))
    central.append(("archive", f"archive ({env.central_bus.archive_retention_days} days)", "cylinder"))
    central.append(("q_high", "high-priority queue", "box"))
    central.append(("q_standard", "standard queue", "box"))
    central.append(("dlq", "dead-letter queues", "box"))
    graph.edges += [
        ("bus", "q_high", "priority rule 1"),
        ("bus", "q_standard", "priority rule 2"),
        ("bus", "archive", "every event"),
        ("q_high", "dlq", f"after {env.central_bus.delivery.queue_max_receive_count} receives"),
        ("q_standard", "dlq", ""),
    ]
    if env.central_bus.api_destination is not None:
        graph.loose.append(("siem", env.central_bus.api_destination.endpoint_url, "note"))
        graph.edges.append(("bus", "siem", f"{env.central_bus.api_destination.events} events (API destination)"))

    if env.forwarder_stackset is None:
        for account in accounts.sources:
            nodes = graph.cluster(f"source_{account}", f"source account {account}")
            nodes.append((f"fwd_{account}", "forwarder rule + DLQ", "box"))
            graph.edges.append((f"fwd_{account}", "bus", "CloudTrail, sign-ins, findings"))
    else:
        stackset = env.forwarder_stackset
        nodes = graph.cluster("stackset", "source accounts: " + ", ".join(stackset.organizational_unit_ids))
        nodes.append(("fwd_stackset", f"forwarder StackSet ({', '.join(stackset.regions)})", "box"))
        graph.edges.append(("fwd_stackset", "bus", "CloudTrail, sign-ins, findings"))

    api_nodes = graph.cluster("api", f"api account {accounts.api}")
    domains: set[str] = set()
    for name, api in env.apis.items():
        api_nodes.append((f"api_{name}", f"REST API {name}\n(stage {api.stage_name}, WAF {api.waf.mode})", "box"))
        graph.loose.append((f"backend_{name}", f"backend {api.backend_endpoint}", "component"))
        graph.edges.append((f"api_{name}", f"backend_{name}", f"VPC link {api.vpc_link_id}"))
        if api.custom_domain is not None:
            domain = api.custom_domain.domain_name
            if domain not in domains:
                api_nodes.append((f"domain_{domain}", f"custom domain {domain}", "ellipse"))
                domains.add(domain)
            graph.edges.append((f"domain_{domain}", f"api_{name}", f"/{api.custom_domain.mapping_key}"))

    data = graph.cluster("data", f"data account {accounts.data}")
    for name, stream in env.lakehouse.streams.items():
        data.append((f"stream_{name}", f"Firehose {name}\n({stream.source.type})", "box"))
        graph.loose.append((f"producer_{name}", f"producers of {name}", "plaintext"))
        graph.edges.append(
            (f"producer_{name}", f"stream_{name}", "PutRecord" if stream.source.type == "direct_put" else "Kinesis")
        )
        for destination in stream.destinations:
            label = f"{destination.route.field} == {destination.route.equals}" if destination.route else "default"
            graph.edges.append((f"stream_{name}", f"table_{destination.table}", label))
    for table in env.lakehouse.tables:
        data.append((f"table_{table}", f"Iceberg table {table}", "cylinder"))
    warehouse = env.warehouse
    data.append(
        (
            "warehouse",
            f"Redshift Serverless {env.environment}-{warehouse.name}\n(max {warehouse.capacity.max_capacity} RPU)",
            "box3d",
        )
    )
    for table in env.lakehouse.tables:
        graph.edges.append(("warehouse", f"table_{table}", f"schema {warehouse.external_schema_name}"))
    return graph
