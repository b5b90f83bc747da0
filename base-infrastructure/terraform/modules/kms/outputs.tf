output "key_arns" {
  description = "KMS key ARN by purpose (artifacts, data, secrets, logs)."
  value       = { for purpose, key in aws_kms_key.this : purpose => key.arn }
}

output "alias_names" {
  description = "KMS alias name by purpose."
  value       = { for purpose, alias in aws_kms_alias.this : purpose => alias.name }
}

output "key_policies" {
  description = "Key policy JSON by purpose (for tests and reviews)."
  value       = { for purpose, key in aws_kms_key.this : purpose => key.policy }
}
