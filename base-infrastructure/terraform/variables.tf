variable "platform_config_path" {
  type        = string
  description = "Path of platform.yaml (the one configuration the CLI, the Lambda build and Terraform share)."
  default     = "../platform.yaml"

  validation {
    condition     = can(yamldecode(file(var.platform_config_path)).naming_prefix)
    error_message = "platform_config_path must name a readable platform.yaml with naming_prefix (create it with `mlops config init`)."
  }

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", yamldecode(file(var.platform_config_path)).naming_prefix))
    error_message = "platform_config_path: naming_prefix must be 3-20 characters of a-z, 0-9 and -, starting with a letter."
  }

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\\d$", yamldecode(file(var.platform_config_path)).aws.region))
    error_message = "platform_config_path: aws.region must be an AWS region name such as eu-west-1."
  }

  validation {
    condition = alltrue(flatten([
      for unit in values(yamldecode(file(var.platform_config_path)).business_units) : [
        for env in ["dev", "preprod", "prod"] : can(regex("^\\d{12}$", tostring(unit[env])))
      ]
    ]))
    error_message = "platform_config_path: every business_units.<unit>.dev/preprod/prod must be a 12-digit AWS account id (quote it in YAML)."
  }

  validation {
    condition = alltrue([
      for kind in try(yamldecode(file(var.platform_config_path)).templates.enabled, []) :
      contains(["build-deploy-realtime", "build-deploy-batch", "pipeline-promotion", "single-account-training", "llm-fine-tuning"], kind)
    ])
    error_message = "platform_config_path: templates.enabled has an unknown template; choose from build-deploy-realtime, build-deploy-batch, pipeline-promotion, single-account-training, llm-fine-tuning."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$", yamldecode(file(var.platform_config_path)).github.org))
    error_message = "platform_config_path: github.org must be a valid GitHub organisation name."
  }
}

variable "environment" {
  type        = string
  description = "Environment (and account) this run applies: dev, preprod or prod."

  validation {
    condition     = contains(["dev", "preprod", "prod"], var.environment)
    error_message = "environment must be one of dev, preprod, prod."
  }
}

variable "business_unit" {
  type        = string
  description = "Business unit of platform.yaml whose accounts this run targets; null when platform.yaml has exactly one."
  default     = null

  validation {
    condition = (
      var.business_unit == null
      ? length(try(yamldecode(file(var.platform_config_path)).business_units, {})) == 1
      : contains(keys(try(yamldecode(file(var.platform_config_path)).business_units, {})), var.business_unit)
    )
    error_message = "business_unit must name a business unit of platform.yaml (it may be omitted only when there is exactly one)."
  }
}

variable "lambda_zip_path" {
  type        = string
  description = "Path of the provisioning Lambda artifact built by `make lambda` (python -m platform_cli.lambdas.build --out build/lambda.zip)."

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip")
    error_message = "lambda_zip_path must point to the .zip built by `make lambda`."
  }
}

variable "project_templates_dir" {
  type        = string
  description = "Directory of the rendered CloudFormation project templates (<template-kind>.yaml each)."
  default     = "../project-templates/rendered"
}

variable "enable_project_factory" {
  type        = bool
  description = "This account hosts Studio, the personas, the project templates, the GitHub credential and the provisioning Lambdas (true in dev, where projects are created)."
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR block of the platform VPC, /16 to /24 (ignored with existing_vpc)."
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && can(regex("^\\d+\\.\\d+\\.\\d+\\.\\d+/(1[6-9]|2[0-4])$", var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block between /16 and /24, for example 10.20.0.0/16."
  }
}

variable "az_count" {
  type        = number
  description = "Number of availability zones (taken from the region's data source) with a private subnet."
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 2 to 4."
  }
}

variable "enable_nat_gateway" {
  type        = bool
  description = "Give private subnets internet egress through one NAT gateway (the provisioning Lambdas need it to reach GitHub unless a proxy does)."
  default     = false
}

variable "existing_vpc" {
  type = object({
    vpc_id             = string
    private_subnet_ids = list(string)
    route_table_ids    = list(string)
    create_endpoints   = bool
  })
  description = "Bring your own VPC by ids instead of creating one (null: create it)."
  default     = null
}

variable "studio_user_profiles" {
  type = object({
    lead_data_scientists = list(string)
    data_scientists      = list(string)
  })
  description = "SageMaker Studio user profiles by persona (where enable_project_factory is true), each named by its user's GitHub login (the project requester is bound to it)."
  default = {
    lead_data_scientists = []
    data_scientists      = []
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the platform's log groups (Lambdas, flow logs), in days."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value such as 30, 90, 365 or 731."
  }
}

variable "alarm_email_addresses" {
  type        = list(string)
  description = "E-mail addresses notified by the provisioning Lambdas' alarms."
  default     = []
}

variable "rehearsal" {
  type        = bool
  description = "Local rehearsal (moto): buckets, secret, keys and Studio home volume may be destroyed at once. Never true for real accounts."
  default     = false
}

variable "extra_tags" {
  type        = map(string)
  description = "Organisation tags merged into the platform's one tag map (cost centre, owner...)."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_tags) : !startswith(k, "mlops:") && !startswith(k, "aws:")])
    error_message = "extra_tags keys must not start with mlops: or aws: (reserved)."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Permissions boundary every role must carry (bootstrap output PermissionsBoundaryArn); null means the bootstrap's name <prefix>-<environment>-permissions-boundary in this account."
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::\\d{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN (or null)."
  }
}
