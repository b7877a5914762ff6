output "high_priority_event_pattern" {
  description = "Event pattern (JSON) of the high-priority rule; null when the classification is empty."
  value       = local.high_priority_pattern
}

output "standard_event_pattern" {
  description = "Event pattern (JSON) of the standard rule: the exact complement of the high-priority pattern."
  value       = local.standard_pattern
}

output "all_events_pattern" {
  description = "Event pattern (JSON) matching every routed event (the source filter only)."
  value       = local.all_events_pattern
}

output "classification" {
  description = "The merged high-priority classification the patterns were rendered from."
  value = {
    write_event_sources = local.write_event_sources
    event_names         = local.event_names
    detail_types        = local.detail_types
    root_sign_in        = local.root_sign_in
  }
}
