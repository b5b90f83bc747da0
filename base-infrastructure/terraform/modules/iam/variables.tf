variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (the platform's naming_prefix)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "environment" {
  type        = string
  description = "Environment of this account: dev, preprod or prod."

  validation {
    condition     = contains(["dev", "preprod", "prod"], var.environment)
    error_message = "environment must be one of dev, preprod, prod."
  }
}

variable "create_personas" {
  type        = bool
  description = "Create the Studio persona roles (lead data scientist, data scientist). True where the Studio domain lives."
  default     = true
}

variable "artifact_bucket_arn" {
  type        = string
  description = "ARN of the artifact bucket."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", var.artifact_bucket_arn))
    error_message = "artifact_bucket_arn must be an S3 bucket ARN."
  }
}

variable "data_bucket_arn" {
  type        = string
  description = "ARN of the data bucket."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", var.data_bucket_arn))
    error_message = "data_bucket_arn must be an S3 bucket ARN."
  }
}

variable "kms_key_arns" {
  type        = map(string)
  description = "KMS key ARN by purpose (needs artifacts and data)."

  validation {
    condition     = contains(keys(var.kms_key_arns), "artifacts") && contains(keys(var.kms_key_arns), "data")
    error_message = "kms_key_arns must contain the artifacts and data keys."
  }
}

variable "github_credentials_secret_arn" {
  type        = string
  description = "ARN of the GitHub credential secret, which no persona may read."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+$", var.github_credentials_secret_arn))
    error_message = "github_credentials_secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "The platform's private subnets: SageMaker jobs and models must run in them."

  validation {
    condition     = length(var.private_subnet_ids) > 0
    error_message = "private_subnet_ids must list at least one subnet."
  }
}

variable "security_group_id" {
  type        = string
  description = "The SageMaker security group jobs and models must use."
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
