variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (the platform's naming_prefix)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "purposes" {
  type        = set(string)
  description = "One customer managed key per purpose: artifacts (model artifacts, registry, templates), data (the data bucket), secrets (the GitHub credential), logs (log groups, queues, topics, Lambda environment)."
  default     = ["artifacts", "data", "secrets", "logs"]

  validation {
    condition     = length(setsubtract(var.purposes, ["artifacts", "data", "secrets", "logs"])) == 0 && contains(var.purposes, "artifacts")
    error_message = "purposes must be a subset of artifacts, data, secrets, logs, and include artifacts."
  }
}

variable "artifact_reader_principal_arns" {
  type        = list(string)
  description = "IAM role ARNs in other accounts (preprod/prod deploy and SageMaker execution roles) allowed to decrypt model artifacts with the artifacts key (through S3 only). Empty outside dev."
  default     = []

  validation {
    condition     = alltrue([for arn in var.artifact_reader_principal_arns : can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "artifact_reader_principal_arns must be IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>)."
  }
}

variable "deletion_window_in_days" {
  type        = number
  description = "Waiting period before a scheduled key deletion completes (7-30 days)."
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource (the root's one tag map)."
  default     = {}
}
