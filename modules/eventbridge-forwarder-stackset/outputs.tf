output "stack_set_name" {
  description = "Name of the StackSet."
  value       = aws_cloudformation_stack_set.this.name
}

output "stack_set_arn" {
  description = "ARN of the StackSet."
  value       = aws_cloudformation_stack_set.this.arn
}

output "template_body" {
  description = "The generated CloudFormation template (JSON)."
  value       = aws_cloudformation_stack_set.this.template_body
}

output "event_pattern" {
  description = "Event pattern (JSON) of the forwarding rule in every account, as rendered by the shared definition."
  value       = module.definition.event_pattern
}
