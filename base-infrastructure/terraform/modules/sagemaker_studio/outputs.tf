output "domain_id" {
  description = "Id of the SageMaker Studio domain."
  value       = aws_sagemaker_domain.this.id
}

output "domain_arn" {
  description = "ARN of the SageMaker Studio domain."
  value       = aws_sagemaker_domain.this.arn
}

output "user_profiles" {
  description = "Persona of each user profile by name."
  value       = { for name, p in aws_sagemaker_user_profile.this : name => local.profiles[name] }
}
