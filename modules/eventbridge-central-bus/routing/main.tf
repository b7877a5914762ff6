# Resource-free: renders the priority-routing event patterns so they can be planned, unit-tested
# with `terraform console` and compared with the synthetic events of the integration check.
#
# The two patterns are exact complements over every event that passes the source filter:
# each event reaches exactly one of the two queues. EventBridge patterns cannot say "not
# (A or B)", so the standard pattern is written as the union of the complements, per
# CloudTrail eventSource:
#   high     = detail-type in D
#            | sign-in by Root
#            | API call from a "write" source (IAM) that is not read-only
#            | API call from source s with eventName in N(s)
#   standard = detail-type not in (D + API call + sign-in)
#            | sign-in by anyone but Root
#            | API call from a source with no high-priority entry
#            | API call from a "write" source that is read-only
#            | API call from source s with eventName not in N(s)
# "anything-but" never matches a missing field, so the read-only split has an explicit
# `exists: false` branch on the high side (a CloudTrail record without readOnly is a change).

locals {
  api_call = "AWS API Call via CloudTrail"
  sign_in  = "AWS Console Sign In via CloudTrail"

  defaults = jsondecode(file("${path.module}/default-high-priority.json"))
  base = var.include_defaults ? {
    write_event_sources = local.defaults.write_event_sources
    event_names         = local.defaults.event_names
    detail_types        = local.defaults.detail_types
    root_sign_in        = local.defaults.root_sign_in
    } : {
    write_event_sources = []
    event_names         = {}
    detail_types        = []
    root_sign_in        = false
  }

  write_event_sources = sort(distinct(concat(local.base.write_event_sources, var.high_priority.extra_write_event_sources)))

  # A source whose every write is already high priority needs no name list.
  named_sources = sort(setsubtract(
    distinct(concat(keys(local.base.event_names), keys(var.high_priority.extra_event_names))),
    local.write_event_sources,
  ))
  event_names = {
    for source in local.named_sources : source => sort(distinct(concat(
      lookup(local.base.event_names, source, []),
      lookup(var.high_priority.extra_event_names, source, []),
    )))
  }
  detail_types = sort(distinct(concat(local.base.detail_types, var.high_priority.extra_detail_types)))
  root_sign_in = local.base.root_sign_in
  high_sources = sort(distinct(concat(local.write_event_sources, local.named_sources)))

  # Only AWS services can emit "aws.*" sources, so a principal that may PutEvents on the
  # central bus cannot forge a CloudTrail record that gets routed.
  source_filter = jsondecode(var.synthetic_event_source == null
    ? jsonencode([{ prefix = "aws." }])
    : jsonencode([{ prefix = "aws." }, var.synthetic_event_source])
  )

  # Branches are kept as JSON strings so lists of differently shaped objects concatenate.
  high_branches = concat(
    length(local.detail_types) > 0 ? [jsonencode({ "detail-type" = local.detail_types })] : [],
    local.root_sign_in ? [jsonencode({ "detail-type" = [local.sign_in], detail = { userIdentity = { type = ["Root"] } } })] : [],
    length(local.write_event_sources) > 0 ? [
      jsonencode({ "detail-type" = [local.api_call], detail = { eventSource = local.write_event_sources, readOnly = [false] } }),
      jsonencode({ "detail-type" = [local.api_call], detail = { eventSource = local.write_event_sources, readOnly = [{ exists = false }] } }),
    ] : [],
    [for source in local.named_sources : jsonencode({ "detail-type" = [local.api_call], detail = { eventSource = [source], eventName = local.event_names[source] } })],
  )

  standard_branches = concat(
    [jsonencode({ "detail-type" = [{ "anything-but" = sort(distinct(concat([local.api_call, local.sign_in], local.detail_types))) }] })],
    [local.root_sign_in
      ? jsonencode({ "detail-type" = [local.sign_in], detail = { userIdentity = { type = [{ "anything-but" = ["Root"] }] } } })
      : jsonencode({ "detail-type" = [local.sign_in] })
    ],
    [length(local.high_sources) > 0
      ? jsonencode({ "detail-type" = [local.api_call], detail = { eventSource = [{ "anything-but" = local.high_sources }] } })
      : jsonencode({ "detail-type" = [local.api_call] })
    ],
    length(local.write_event_sources) > 0 ? [
      jsonencode({ "detail-type" = [local.api_call], detail = { eventSource = local.write_event_sources, readOnly = [true] } }),
    ] : [],
    [for source in local.named_sources : jsonencode({ "detail-type" = [local.api_call], detail = { eventSource = [source], eventName = [{ "anything-but" = local.event_names[source] }] } })],
  )

  # "$or" needs at least two branches; a single branch is merged into the pattern instead.
  high_priority_pattern = length(local.high_branches) == 0 ? null : (
    length(local.high_branches) == 1
    ? jsonencode(merge({ source = local.source_filter }, jsondecode(local.high_branches[0])))
    : jsonencode({ source = local.source_filter, "$or" = [for branch in local.high_branches : jsondecode(branch)] })
  )
  standard_pattern   = jsonencode({ source = local.source_filter, "$or" = [for branch in local.standard_branches : jsondecode(branch)] })
  all_events_pattern = jsonencode({ source = local.source_filter })
}
