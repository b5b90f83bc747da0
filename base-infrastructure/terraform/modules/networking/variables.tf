variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (the platform's naming_prefix)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR block of the platform VPC (ignored when existing_vpc is set). A /16 to /24 IPv4 block."
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && can(regex("^\\d+\\.\\d+\\.\\d+\\.\\d+/(1[6-9]|2[0-4])$", var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block between /16 and /24, for example 10.20.0.0/16."
  }
}

variable "az_count" {
  type        = number
  description = "How many of the region's available zones (from the data source, never hard-coded) get a private subnet."
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 2 to 4."
  }
}

variable "enable_nat_gateway" {
  type        = bool
  description = "Create public subnets, an internet gateway and one NAT gateway so private workloads (the provisioning Lambdas calling GitHub) reach the internet."
  default     = false
}

variable "existing_vpc" {
  type = object({
    vpc_id             = string
    private_subnet_ids = list(string)
    route_table_ids    = list(string)
    create_endpoints   = bool
  })
  description = "Bring your own VPC: its id, private subnet ids and their route table ids. null creates the platform VPC. create_endpoints adds the platform's VPC endpoints to it."
  default     = null

  validation {
    condition = var.existing_vpc == null || try(
      can(regex("^vpc-[0-9a-f]{8,17}$", var.existing_vpc.vpc_id)) &&
      length(var.existing_vpc.private_subnet_ids) >= 2 &&
      alltrue([for id in var.existing_vpc.private_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))]) &&
      alltrue([for id in var.existing_vpc.route_table_ids : can(regex("^rtb-[0-9a-f]{8,17}$", id))]),
      false
    )
    error_message = "existing_vpc needs vpc_id like vpc-0abc..., at least two private_subnet_ids like subnet-0abc..., and route_table_ids like rtb-0abc...."
  }
}

variable "interface_endpoint_services" {
  type        = list(string)
  description = "Interface endpoints (private DNS on). Short names under com.amazonaws.<region>.; 'sagemaker.studio' maps to aws.sagemaker.<region>.studio."
  default = [
    "sagemaker.api",
    "sagemaker.runtime",
    "sagemaker.studio",
    "sts",
    "logs",
    "ssm",
    "secretsmanager",
    "servicecatalog",
    "ecr.api",
    "ecr.dkr",
  ]

  validation {
    condition     = alltrue([for s in var.interface_endpoint_services : can(regex("^[a-z0-9][a-z0-9.-]*$", s))])
    error_message = "interface_endpoint_services must be service short names such as sagemaker.api or ecr.dkr."
  }
}

variable "flow_log_retention_days" {
  type        = number
  description = "Retention of the VPC flow log group, in days (a CloudWatch Logs retention value)."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch Logs retention value such as 30, 90, 365 or 731."
  }
}

variable "logs_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key that encrypts the flow log group."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource (the root's one tag map)."
  default     = {}
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Permissions boundary of every role this module creates (the bootstrap's <prefix>-<env>-permissions-boundary); null for none."
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::\\d{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN (or null)."
  }
}
