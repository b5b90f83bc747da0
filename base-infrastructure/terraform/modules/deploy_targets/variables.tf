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
  description = "Environment of this account: dev, preprod or prod. Workflows may assume the roles only from a GitHub environment of the same name."

  validation {
    condition     = contains(["dev", "preprod", "prod"], var.environment)
    error_message = "environment must be one of dev, preprod, prod."
  }
}

variable "github_org" {
  type        = string
  description = "GitHub organisation whose project repositories may assume the roles."

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$", var.github_org))
    error_message = "github_org must be a valid GitHub organisation name."
  }
}

variable "accounts" {
  type = object({
    dev     = string
    preprod = string
    prod    = string
  })
  description = "Account ids of the business unit; the model registry and model artifacts live in dev."

  validation {
    condition     = alltrue([for id in values(var.accounts) : can(regex("^\\d{12}$", id))])
    error_message = "accounts.dev, accounts.preprod and accounts.prod must be 12-digit AWS account ids."
  }
}

variable "oidc_provider_url" {
  type        = string
  description = "URL of the GitHub OIDC provider the bootstrap created in this account."
  default     = "https://token.actions.githubusercontent.com"

  validation {
    condition     = startswith(var.oidc_provider_url, "https://")
    error_message = "oidc_provider_url must be an https URL."
  }
}

variable "artifact_bucket_arn" {
  type        = string
  description = "ARN of this account's artifact bucket."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", var.artifact_bucket_arn))
    error_message = "artifact_bucket_arn must be an S3 bucket ARN."
  }
}

variable "artifacts_kms_key_arn" {
  type        = string
  description = "ARN of this account's artifacts KMS key."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.artifacts_kms_key_arn))
    error_message = "artifacts_kms_key_arn must be a KMS key ARN."
  }
}

variable "execution_role" {
  type = object({
    name = string
    arn  = string
  })
  description = "The SageMaker execution role of this account (endpoints and transform jobs run as it)."
}

variable "pipeline_role_arn" {
  type        = string
  description = "ARN of the SageMaker pipeline role (dev build workflows pass it to their pipelines)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/.+$", var.pipeline_role_arn))
    error_message = "pipeline_role_arn must be an IAM role ARN."
  }
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets models must run in."
}

variable "security_group_id" {
  type        = string
  description = "Security group models must use."
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

variable "alarms_kms_key_arn" {
  type        = string
  description = "KMS key of the batch-transform-failures SNS topic (the logs key: its policy lets events.amazonaws.com publish to encrypted topics)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.alarms_kms_key_arn))
    error_message = "alarms_kms_key_arn must be a KMS key ARN."
  }
}
