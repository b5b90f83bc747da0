output "portfolio_id" {
  description = "Id of the Service Catalog portfolio of project templates."
  value       = aws_servicecatalog_portfolio.this.id
}

output "product_ids" {
  description = "Service Catalog product id by template kind."
  value       = { for k, p in aws_servicecatalog_product.this : k => p.id }
}

output "template_versions" {
  description = "Content version (v-<sha256 prefix>) by template kind."
  value       = { for k, t in local.templates : k => t.version }
}

output "studio_template_urls" {
  description = "S3 URI of each S3-based SageMaker project template (tagged sagemaker:studio-visibility=true)."
  value       = { for k, o in aws_s3_object.studio : k => "s3://${o.bucket}/${o.key}" }
}

output "launch_role_arn" {
  description = "ARN of the Service Catalog launch role."
  value       = aws_iam_role.launch.arn
}
