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

variable "lambda_zip_path" {
  type        = string
  description = "Path of the Lambda artifact built by `make lambda` (python -m platform_cli.lambdas.build). Its content hash, not a timestamp, decides redeployment."

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip")
    error_message = "lambda_zip_path must point to the .zip built by `make lambda`."
  }
}

variable "github_credentials_secret_arn" {
  type        = string
  description = "ARN of the GitHub credential secret the Lambdas read."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+$", var.github_credentials_secret_arn))
    error_message = "github_credentials_secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "secrets_kms_key_arn" {
  type        = string
  description = "KMS key of the GitHub credential secret."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  type        = string
  description = "KMS key of the log groups, the dead-letter queue, the alarm topic and the Lambda environment."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "github" {
  type = object({
    org              = string
    api_url          = string
    auth             = string
    app_id           = optional(number)
    installation_id  = optional(number)
    repo_visibility  = optional(string, "private")
    reviewers_team   = string
    maintainers_team = string
  })
  description = "GitHub settings from platform.yaml, passed to the Lambdas as environment variables (never the credential)."

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$", var.github.org)) && can(regex("^https?://", var.github.api_url)) && contains(["pat", "app"], var.github.auth)
    error_message = "github needs a valid org name, an http(s) api_url and auth pat or app."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets the Lambdas run in (egress to GitHub goes through NAT or a proxy)."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the Lambdas' security group."
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the Lambdas' log groups, in days (a CloudWatch Logs retention value)."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value such as 30, 90, 365 or 731."
  }
}

variable "alarm_email_addresses" {
  type        = list(string)
  description = "Addresses subscribed to the alarm topic (errors, throttles, dead letters)."
  default     = []

  validation {
    condition     = alltrue([for a in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", a))])
    error_message = "alarm_email_addresses must be e-mail addresses."
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
