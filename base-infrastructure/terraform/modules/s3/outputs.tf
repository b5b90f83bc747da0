output "artifact_bucket" {
  description = "Name of the artifact bucket (model artifacts, pipeline outputs, project templates)."
  value       = aws_s3_bucket.this["artifacts"].id
}

output "artifact_bucket_arn" {
  description = "ARN of the artifact bucket."
  value       = aws_s3_bucket.this["artifacts"].arn
}

output "data_bucket" {
  description = "Name of the data bucket."
  value       = aws_s3_bucket.this["data"].id
}

output "data_bucket_arn" {
  description = "ARN of the data bucket."
  value       = aws_s3_bucket.this["data"].arn
}

output "access_log_bucket" {
  description = "Name of the S3 server access log bucket."
  value       = aws_s3_bucket.access_logs.id
}

output "bucket_policies" {
  description = "Bucket policy JSON by purpose (for tests and reviews)."
  value       = { for k, p in aws_s3_bucket_policy.this : k => p.policy }
}
