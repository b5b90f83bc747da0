output "vpc_id" {
  description = "Id of the platform VPC (created or brought)."
  value       = local.vpc_id
}

output "vpc_cidr" {
  description = "CIDR block of the platform VPC."
  value       = local.vpc_cidr
}

output "private_subnet_ids" {
  description = "Private subnet ids, one per availability zone used."
  value       = local.subnet_ids
}

output "availability_zones" {
  description = "Availability zones of the private subnets (from the region's data source)."
  value       = local.create_vpc ? local.azs : []
}

output "security_group_id" {
  description = "Security group of SageMaker Studio apps, jobs and endpoints."
  value       = aws_security_group.sagemaker.id
}

output "interface_endpoints" {
  description = "Interface endpoint service name by short name, with private DNS on."
  value       = { for k, e in aws_vpc_endpoint.interface : k => e.service_name }
}

output "s3_gateway_endpoint_id" {
  description = "Id of the S3 gateway endpoint attached to the private route tables (null when endpoints are not created)."
  value       = try(aws_vpc_endpoint.s3[0].id, null)
}

output "private_route_table_ids" {
  description = "Route tables of the private subnets."
  value       = local.route_ids
}
