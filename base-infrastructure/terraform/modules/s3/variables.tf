variable "name_prefix" {
  type        = string
  description = "Prefix of every bucket name (the platform's naming_prefix)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "artifacts_kms_key_arn" {
  type        = string
  description = "KMS key that encrypts the artifact bucket (model artifacts, pipeline outputs, project templates)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.artifacts_kms_key_arn))
    error_message = "artifacts_kms_key_arn must be a KMS key ARN."
  }
}

variable "data_kms_key_arn" {
  type        = string
  description = "KMS key that encrypts the data bucket."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.data_kms_key_arn))
    error_message = "data_kms_key_arn must be a KMS key ARN."
  }
}

variable "artifact_reader_principal_arns" {
  type        = list(string)
  description = "IAM role ARNs in other accounts (preprod/prod) allowed to read the artifact bucket (model artifacts for deployment). Empty outside dev."
  default     = []

  validation {
    condition     = alltrue([for arn in var.artifact_reader_principal_arns : can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "artifact_reader_principal_arns must be IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>)."
  }
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days after which non-current object versions expire in both buckets."
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "data_infrequent_access_days" {
  type        = number
  description = "Days after which current objects of the data bucket move to STANDARD_IA (at least 30)."
  default     = 90

  validation {
    condition     = var.data_infrequent_access_days >= 30
    error_message = "data_infrequent_access_days must be at least 30 (an S3 rule for STANDARD_IA)."
  }
}

variable "access_log_expiration_days" {
  type        = number
  description = "Days S3 server access logs are kept."
  default     = 365

  validation {
    condition     = var.access_log_expiration_days >= 1
    error_message = "access_log_expiration_days must be at least 1."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Let terraform destroy delete non-empty buckets (rehearsals only; keep false for real accounts)."
  default     = false
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource (the root's one tag map)."
  default     = {}
}
