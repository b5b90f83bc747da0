variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (the platform's naming_prefix)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "auth" {
  type        = string
  description = "Kind of credential stored: pat (a personal access token) or app (a GitHub App private key). From platform.yaml github.auth."

  validation {
    condition     = contains(["pat", "app"], var.auth)
    error_message = "auth must be pat or app."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "Customer managed key that encrypts the secret."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "reader_role_arns" {
  type        = list(string)
  description = "The only roles allowed to read the secret value (the provisioning and workflow-trigger Lambdas)."

  validation {
    condition     = length(var.reader_role_arns) > 0 && alltrue([for arn in var.reader_role_arns : can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/.+$", arn))])
    error_message = "reader_role_arns must list at least one IAM role ARN."
  }
}

variable "recovery_window_in_days" {
  type        = number
  description = "Days a deleted secret can be restored (0 deletes at once: rehearsals only; 7-30 otherwise)."
  default     = 30

  validation {
    condition     = var.recovery_window_in_days == 0 || (var.recovery_window_in_days >= 7 && var.recovery_window_in_days <= 30)
    error_message = "recovery_window_in_days must be 0 or between 7 and 30."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource (the root's one tag map)."
  default     = {}
}
