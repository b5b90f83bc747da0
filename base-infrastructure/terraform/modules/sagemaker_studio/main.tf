locals {
  profiles = merge(
    { for name in var.user_profiles.lead_data_scientists : name => "lead-data-scientist" },
    { for name in var.user_profiles.data_scientists : name => "data-scientist" },
  )
}

resource "aws_sagemaker_domain" "this" {
  domain_name             = "${var.name_prefix}-studio"
  auth_mode               = "IAM"
  app_network_access_type = "VpcOnly"
  vpc_id                  = var.vpc_id
  subnet_ids              = var.subnet_ids
  kms_key_id              = var.kms_key_arn

  default_user_settings {
    execution_role  = var.default_execution_role_arn
    security_groups = [var.security_group_id]

    sharing_settings {
      notebook_output_option = "Disabled"
    }
  }

  domain_settings {
    security_group_ids = [var.security_group_id]
    # Studio names the user profile as the source identity of its sessions: SageMaker records it as the creator of
    # a project (DescribeProject CreatedBy), which the provisioning Lambda binds the requester to (issue 15 item 5).
    execution_role_identity_config = "USER_PROFILE_NAME"
  }

  retention_policy {
    home_efs_file_system = var.home_efs_retention
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-studio" })
}

resource "aws_sagemaker_user_profile" "this" {
  for_each          = local.profiles
  domain_id         = aws_sagemaker_domain.this.id
  user_profile_name = each.key

  user_settings {
    execution_role  = var.persona_role_arns[each.value]
    security_groups = [var.security_group_id]

    sharing_settings {
      notebook_output_option = "Disabled"
    }
  }

  tags = merge(var.tags, { Persona = each.value })
}
