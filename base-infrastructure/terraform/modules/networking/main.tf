data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:Only the first az_count of the sorted zone names are used; a zone added later sorts after them and changes nothing.
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_vpc" "existing" {
  count = var.existing_vpc == null ? 0 : 1
  id    = var.existing_vpc.vpc_id
}

locals {
  create_vpc       = var.existing_vpc == null
  create_endpoints = local.create_vpc || try(var.existing_vpc.create_endpoints, false)
  region           = data.aws_region.current.name
  azs              = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  vpc_id     = local.create_vpc ? aws_vpc.this[0].id : var.existing_vpc.vpc_id
  vpc_cidr   = local.create_vpc ? aws_vpc.this[0].cidr_block : data.aws_vpc.existing[0].cidr_block
  subnet_ids = local.create_vpc ? aws_subnet.private[*].id : var.existing_vpc.private_subnet_ids
  route_ids  = local.create_vpc ? aws_route_table.private[*].id : var.existing_vpc.route_table_ids

  endpoint_services = {
    for short in var.interface_endpoint_services : short => (
      short == "sagemaker.studio" ? "aws.sagemaker.${local.region}.studio" : "com.amazonaws.${local.region}.${short}"
    )
  }
}

# --- the VPC ------------------------------------------------------------------------------------------------

resource "aws_vpc" "this" {
  count                = local.create_vpc ? 1 : 0
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # interface endpoints with private DNS need both
  tags                 = merge(var.tags, { Name = "${var.name_prefix}-vpc" })
}

# Nothing may use the default security group: no rules at all.
resource "aws_default_security_group" "this" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(var.tags, { Name = "${var.name_prefix}-default-closed" })
}

resource "aws_subnet" "private" {
  count                   = local.create_vpc ? var.az_count : 0
  vpc_id                  = aws_vpc.this[0].id
  availability_zone       = local.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, count.index)
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-private-${local.azs[count.index]}", Tier = "private" })
}

resource "aws_route_table" "private" {
  count  = local.create_vpc ? var.az_count : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(var.tags, { Name = "${var.name_prefix}-private-${local.azs[count.index]}" })
}

resource "aws_route_table_association" "private" {
  count          = local.create_vpc ? var.az_count : 0
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# --- optional NAT (egress to GitHub for the provisioning Lambdas) ------------------------------------------

resource "aws_subnet" "public" {
  count                   = local.create_vpc && var.enable_nat_gateway ? var.az_count : 0
  vpc_id                  = aws_vpc.this[0].id
  availability_zone       = local.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, count.index + 8)
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-public-${local.azs[count.index]}", Tier = "public" })
}

resource "aws_internet_gateway" "this" {
  count  = local.create_vpc && var.enable_nat_gateway ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(var.tags, { Name = "${var.name_prefix}-igw" })
}

resource "aws_route_table" "public" {
  count  = local.create_vpc && var.enable_nat_gateway ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(var.tags, { Name = "${var.name_prefix}-public" })
}

resource "aws_route" "public_internet" {
  count                  = local.create_vpc && var.enable_nat_gateway ? 1 : 0
  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  count          = local.create_vpc && var.enable_nat_gateway ? var.az_count : 0
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_eip" "nat" {
  count  = local.create_vpc && var.enable_nat_gateway ? 1 : 0
  domain = "vpc"
  tags   = merge(var.tags, { Name = "${var.name_prefix}-nat" })
}

resource "aws_nat_gateway" "this" {
  count         = local.create_vpc && var.enable_nat_gateway ? 1 : 0
  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id
  tags          = merge(var.tags, { Name = "${var.name_prefix}-nat" })
  depends_on    = [aws_internet_gateway.this]
}

resource "aws_route" "private_nat" {
  count                  = local.create_vpc && var.enable_nat_gateway ? var.az_count : 0
  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

# --- security groups ----------------------------------------------------------------------------------------

# SageMaker workloads (Studio apps, jobs, endpoints): talk to each other (Studio needs NFS and app ports between
# its own ENIs) and to HTTPS inside the VPC (the endpoints). No internet unless NAT and the Lambdas' own group.
resource "aws_security_group" "sagemaker" {
  #checkov:skip=CKV2_AWS_5:Attached outside this module: the Studio domain, user profiles and every SageMaker job or model use it (/mlops/network/security_group_id).
  name        = "${var.name_prefix}-sagemaker"
  description = "SageMaker Studio apps, jobs and endpoints of the MLOps platform"
  vpc_id      = local.vpc_id
  tags        = merge(var.tags, { Name = "${var.name_prefix}-sagemaker" })
}

resource "aws_vpc_security_group_ingress_rule" "sagemaker_self" {
  security_group_id            = aws_security_group.sagemaker.id
  description                  = "SageMaker ENIs talk to each other (Studio NFS and app ports, distributed training)"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.sagemaker.id
}

resource "aws_vpc_security_group_egress_rule" "sagemaker_self" {
  security_group_id            = aws_security_group.sagemaker.id
  description                  = "SageMaker ENIs talk to each other"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.sagemaker.id
}

resource "aws_vpc_security_group_egress_rule" "sagemaker_https_vpc" {
  security_group_id = aws_security_group.sagemaker.id
  description       = "HTTPS to the VPC endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = local.vpc_cidr
}

resource "aws_vpc_security_group_egress_rule" "sagemaker_https_s3" {
  security_group_id = aws_security_group.sagemaker.id
  description       = "HTTPS to S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3[0].prefix_list_id
  count             = local.create_endpoints ? 1 : 0
}

resource "aws_security_group" "endpoints" {
  count       = local.create_endpoints ? 1 : 0
  name        = "${var.name_prefix}-vpc-endpoints"
  description = "Interface VPC endpoints of the MLOps platform: HTTPS from inside the VPC only"
  vpc_id      = local.vpc_id
  tags        = merge(var.tags, { Name = "${var.name_prefix}-vpc-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  count             = local.create_endpoints ? 1 : 0
  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = local.vpc_cidr
}

# --- endpoints ----------------------------------------------------------------------------------------------

resource "aws_vpc_endpoint" "interface" {
  for_each            = local.create_endpoints ? local.endpoint_services : {}
  vpc_id              = local.vpc_id
  service_name        = each.value
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = local.subnet_ids
  security_group_ids  = [aws_security_group.endpoints[0].id]
  tags                = merge(var.tags, { Name = "${var.name_prefix}-${replace(each.key, ".", "-")}" })
}

resource "aws_vpc_endpoint" "s3" {
  count             = local.create_endpoints ? 1 : 0
  vpc_id            = local.vpc_id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = local.route_ids
  tags              = merge(var.tags, { Name = "${var.name_prefix}-s3" })
}

# --- flow logs ----------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/${var.name_prefix}/vpc-flow-logs"
  retention_in_days = var.flow_log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "flow_logs" {
  name = "${var.name_prefix}-vpc-flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
      }
    }]
  })
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "flow_logs" {
  name = "write-flow-logs"
  role = aws_iam_role.flow_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteTheFlowLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = ["${aws_cloudwatch_log_group.flow_logs.arn}:*"]
    }]
  })
}

resource "aws_flow_log" "this" {
  vpc_id               = local.vpc_id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
  tags                 = merge(var.tags, { Name = "${var.name_prefix}-vpc" })
}
