mock_provider "aws" {
  source = "../../tests/mocks/aws"

  override_data {
    target = data.aws_availability_zones.available
    values = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"], zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3"] }
  }
  override_data {
    target = data.aws_vpc.existing
    values = { cidr_block = "172.31.0.0/16" }
  }
}

variables {
  name_prefix      = "mlops"
  logs_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001"
}

run "a_default_vpc_is_private_spans_real_zones_has_private_dns_endpoints_an_s3_gateway_and_flow_logs" {
  command = apply

  assert {
    condition     = [for s in aws_subnet.private : s.availability_zone] == ["eu-west-1a", "eu-west-1b"]
    error_message = "private subnets must use the zones the data source returns, in order"
  }

  assert {
    condition     = alltrue([for s in aws_subnet.private : s.map_public_ip_on_launch == false])
    error_message = "private subnets never assign public addresses"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_internet_gateway.this) == 0
    error_message = "NAT is optional and off by default"
  }

  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.interface : e.private_dns_enabled && e.vpc_endpoint_type == "Interface"])
    error_message = "interface endpoints need private DNS"
  }

  assert {
    condition     = aws_vpc_endpoint.interface["sagemaker.studio"].service_name == "aws.sagemaker.eu-west-1.studio"
    error_message = "the Studio endpoint service is aws.sagemaker.<region>.studio"
  }

  assert {
    condition = toset(keys(aws_vpc_endpoint.interface)) == toset([
      "sagemaker.api", "sagemaker.runtime", "sagemaker.studio", "sts", "logs", "ssm", "secretsmanager",
      "servicecatalog", "ecr.api", "ecr.dkr",
    ])
    error_message = "the platform's interface endpoints are SageMaker API/runtime/Studio, STS, Logs, SSM, Secrets Manager, Service Catalog, ECR"
  }

  assert {
    condition     = aws_vpc_endpoint.interface["ecr.dkr"].service_name == "com.amazonaws.eu-west-1.ecr.dkr"
    error_message = "other endpoints use com.amazonaws.<region>.<service>"
  }

  assert {
    condition     = aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway"
    error_message = "S3 uses a gateway endpoint"
  }

  assert {
    condition     = toset(aws_vpc_endpoint.s3[0].route_table_ids) == toset(aws_route_table.private[*].id)
    error_message = "the S3 gateway endpoint must be on the private route tables"
  }

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_cloudwatch_log_group.flow_logs.kms_key_id == var.logs_kms_key_arn
    error_message = "flow logs record ALL traffic into a KMS-encrypted log group"
  }
}

run "nat_gateway_routes_private_subnets_when_enabled" {
  command = apply

  variables {
    enable_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 2
    error_message = "one NAT gateway, a default route from each private route table"
  }
}

run "bring_your_own_vpc_creates_no_vpc_but_uses_the_given_ids" {
  command = apply

  variables {
    existing_vpc = {
      vpc_id             = "vpc-0123456789abcdef0"
      private_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
      route_table_ids    = ["rtb-0123456789abcdef0"]
      create_endpoints   = true
    }
  }

  assert {
    condition     = length(aws_vpc.this) == 0 && length(aws_subnet.private) == 0
    error_message = "bring-your-own VPC creates no VPC or subnets"
  }

  assert {
    condition     = output.vpc_id == "vpc-0123456789abcdef0" && output.private_subnet_ids == tolist(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"])
    error_message = "outputs are the given ids"
  }

  assert {
    condition     = aws_vpc_endpoint.s3[0].route_table_ids == toset(["rtb-0123456789abcdef0"])
    error_message = "the S3 endpoint goes on the given route tables"
  }
}

run "a_malformed_cidr_is_rejected_naming_the_variable" {
  command = plan

  variables {
    vpc_cidr = "10.20.0.0/33"
  }

  expect_failures = [var.vpc_cidr]
}

run "a_malformed_existing_vpc_is_rejected" {
  command = plan

  variables {
    existing_vpc = {
      vpc_id             = "my-vpc"
      private_subnet_ids = ["subnet-0123456789abcdef0"]
      route_table_ids    = []
      create_endpoints   = false
    }
  }

  expect_failures = [var.existing_vpc]
}
