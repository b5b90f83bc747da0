output "secret_arn" {
  description = "ARN of the GitHub credential secret (value set by `mlops github set-credentials`)."
  value       = aws_secretsmanager_secret.this.arn
}

output "secret_name" {
  description = "Name of the GitHub credential secret."
  value       = aws_secretsmanager_secret.this.name
}

output "secret_policy" {
  description = "Resource policy JSON of the secret (for tests and reviews)."
  value       = aws_secretsmanager_secret_policy.this.policy
}
