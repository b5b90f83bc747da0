variable "environment" {
  type        = string
  description = "Environment of this account: dev, preprod or prod (/mlops/environment)."

  validation {
    condition     = contains(["dev", "preprod", "prod"], var.environment)
    error_message = "environment must be one of dev, preprod, prod."
  }
}

variable "naming_prefix" {
  type        = string
  description = "The platform's naming prefix, platform.yaml naming_prefix (/mlops/naming_prefix); project templates name their bucket, roles and rule with it."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.naming_prefix))
    error_message = "naming_prefix must be 3-20 of a-z, 0-9 and -, starting with a letter and ending with a letter or digit."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the platform (/mlops/region)."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\\d$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "accounts" {
  type = object({
    dev     = string
    preprod = string
    prod    = string
  })
  description = "Account id of each environment of the business unit (/mlops/accounts/{dev,preprod,prod})."

  validation {
    condition     = alltrue([for id in values(var.accounts) : can(regex("^\\d{12}$", id))])
    error_message = "accounts.dev, accounts.preprod and accounts.prod must be 12-digit AWS account ids."
  }
}

variable "network" {
  type = object({
    vpc_id             = string
    private_subnet_ids = list(string)
    security_group_id  = string
  })
  description = "The VPC, its private subnets and the SageMaker security group (/mlops/network/*)."
}

variable "artifacts_kms_key_arn" {
  type        = string
  description = "ARN of the artifacts KMS key (/mlops/kms/artifacts_key_arn)."
}

variable "buckets" {
  type = object({
    artifact = string
    data     = string
  })
  description = "Names of the artifact and data buckets (/mlops/s3/artifact_bucket, /mlops/s3/data_bucket)."
}

variable "sagemaker" {
  type = object({
    domain_id          = string
    execution_role_arn = string
    pipeline_role_arn  = string
  })
  description = "Studio domain id ('none' where no domain lives), execution and pipeline role ARNs (/mlops/sagemaker/*)."
}

variable "github" {
  type = object({
    org                    = string
    credentials_secret_arn = string
  })
  description = "GitHub organisation and the ARN of its credential secret (/mlops/github/*), never the credential."
}

variable "lambdas" {
  type = object({
    project_repos_arn    = string
    trigger_workflow_arn = string
  })
  description = "ARNs of the provisioning and workflow-trigger Lambdas (/mlops/lambda/*)."
}

variable "iam" {
  type = object({
    consumer_stacks_role_arn = string
    permissions_boundary_arn = string
  })
  description = "The CloudFormation role of example consumer stacks and the permissions boundary every role created must carry (/mlops/iam/*)."
}

variable "tags" {
  type        = map(string)
  description = "Tags merged into every resource (the root's one tag map)."
  default     = {}
}
