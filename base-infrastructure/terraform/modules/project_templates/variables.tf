variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (the platform's naming_prefix)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters of a-z, 0-9 and -, starting with a letter."
  }
}

variable "templates_dir" {
  type        = string
  description = "Directory of the rendered CloudFormation project templates, one <template-kind>.yaml each (base-infrastructure/project-templates/rendered)."
}

variable "enabled_templates" {
  type        = list(string)
  description = "Template kinds offered in Studio (platform.yaml templates.enabled)."

  validation {
    condition = length(var.enabled_templates) > 0 && alltrue([
      for t in var.enabled_templates : contains(["build-deploy-realtime", "build-deploy-batch", "pipeline-promotion", "single-account-training", "llm-fine-tuning"], t)
    ])
    error_message = "enabled_templates must list template kinds among build-deploy-realtime, build-deploy-batch, pipeline-promotion, single-account-training, llm-fine-tuning."
  }
}

variable "artifact_bucket" {
  type        = string
  description = "Name of the (versioned, KMS-encrypted) artifact bucket the templates are uploaded to."
}

variable "artifacts_kms_key_arn" {
  type        = string
  description = "KMS key of the artifact bucket."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.artifacts_kms_key_arn))
    error_message = "artifacts_kms_key_arn must be a KMS key ARN."
  }
}

variable "studio_principal_arns" {
  type        = map(string)
  description = "Studio execution role ARN by persona, associated with the portfolio so those roles see and launch the products."

  validation {
    condition     = alltrue([for arn in values(var.studio_principal_arns) : can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/.+$", arn))])
    error_message = "studio_principal_arns must be IAM role ARNs."
  }
}

variable "project_repos_function_arn" {
  type        = string
  description = "ARN of the provisioning Lambda the templates' custom resource invokes (the launch role may invoke it)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:.+$", var.project_repos_function_arn))
    error_message = "project_repos_function_arn must be a Lambda function ARN."
  }
}

variable "passable_role_arns" {
  type        = list(string)
  description = "SageMaker roles the project stacks may reference (pass to SageMaker): the execution and pipeline roles."

  validation {
    condition     = alltrue([for arn in var.passable_role_arns : can(regex("^arn:aws[a-z-]*:iam::\\d{12}:role/.+$", arn))])
    error_message = "passable_role_arns must be IAM role ARNs."
  }
}

variable "provider_name" {
  type        = string
  description = "Provider shown on the Service Catalog products."
  default     = "MLOps platform team"
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

variable "publish_s3_templates" {
  type        = bool
  description = "Also publish the templates as S3-based SageMaker project templates (CreateProject TemplateProviders). Off: on that path CloudFormation creates the project's role, bucket and Lambda call as the launching persona or as a role the persona passes to CloudFormation, i.e. personas could create IAM roles or run any template with that role. Only the Service Catalog path (fixed templates, launch constraint role) is safe."
  default     = false
}
