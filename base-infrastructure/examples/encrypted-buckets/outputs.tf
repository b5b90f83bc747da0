output "artifact_bucket" {
  description = "Name of the artifact bucket."
  value       = module.s3.artifact_bucket
}

output "data_bucket" {
  description = "Name of the data bucket."
  value       = module.s3.data_bucket
}

output "key_arns" {
  description = "KMS key ARN by purpose (artifacts, data)."
  value       = module.kms.key_arns
}
