output "json" {
  description = "The bus resource policy (compact JSON, sorted keys)."
  value       = local.policy_json
}

output "size_bytes" {
  description = "Size of the policy in bytes (the policy is ASCII, so characters = bytes)."
  value       = length(local.policy_json)
}
