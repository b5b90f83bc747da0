variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (the platform's naming_prefix)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the domain (VpcOnly: Studio traffic never leaves it)."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the domain."

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "subnet_ids must list at least one private subnet."
  }
}

variable "security_group_id" {
  type        = string
  description = "Security group of Studio apps (the platform's SageMaker group)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key that encrypts the domain's EFS home volumes."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "default_execution_role_arn" {
  type        = string
  description = "Execution role of the domain's default user settings (the data scientist role: least privilege by default)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/.+$", var.default_execution_role_arn))
    error_message = "default_execution_role_arn must be an IAM role ARN."
  }
}

variable "persona_role_arns" {
  type        = map(string)
  description = "Execution role ARN by persona; needs lead-data-scientist and data-scientist."

  validation {
    condition     = contains(keys(var.persona_role_arns), "lead-data-scientist") && contains(keys(var.persona_role_arns), "data-scientist")
    error_message = "persona_role_arns must contain lead-data-scientist and data-scientist."
  }
}

variable "user_profiles" {
  type = object({
    lead_data_scientists = list(string)
    data_scientists      = list(string)
  })
  description = "Studio user profile names by persona: each its user's GitHub login (a project's requester is bound to it). Letters, digits and single hyphens, at most 63 characters."

  validation {
    condition = alltrue([
      for name in concat(var.user_profiles.lead_data_scientists, var.user_profiles.data_scientists) :
      can(regex("^[a-zA-Z0-9](-?[a-zA-Z0-9]){0,62}$", name))
    ])
    error_message = "user_profiles names must be letters, digits and single hyphens (1-63 characters), e.g. jane-doe."
  }

  validation {
    condition     = length(setintersection(var.user_profiles.lead_data_scientists, var.user_profiles.data_scientists)) == 0
    error_message = "user_profiles: a name cannot be both a lead data scientist and a data scientist."
  }
}

variable "home_efs_retention" {
  type        = string
  description = "What happens to the domain's EFS home volume when the domain is deleted: Retain (default, keeps notebooks) or Delete."
  default     = "Retain"

  validation {
    condition     = contains(["Retain", "Delete"], var.home_efs_retention)
    error_message = "home_efs_retention must be Retain or Delete."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource (the root's one tag map)."
  default     = {}
}
