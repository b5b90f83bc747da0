mock_provider "aws" {
  source = "../../tests/mocks/aws"
}

variables {
  name_prefix                = "mlops"
  vpc_id                     = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  security_group_id          = "sg-0123456789abcdef0"
  kms_key_arn                = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001"
  default_execution_role_arn = "arn:aws:iam::111111111111:role/mlops-data-scientist"
  persona_role_arns = {
    "lead-data-scientist" = "arn:aws:iam::111111111111:role/mlops-lead-data-scientist"
    "data-scientist"      = "arn:aws:iam::111111111111:role/mlops-data-scientist"
  }
  user_profiles = {
    lead_data_scientists = ["lena-lead"]
    data_scientists      = ["dan-ds", "dora-ds"]
  }
}

run "the_domain_is_vpc_only_with_iam_auth_and_each_profile_runs_as_its_persona_role" {
  command = apply

  assert {
    condition     = aws_sagemaker_domain.this.app_network_access_type == "VpcOnly" && aws_sagemaker_domain.this.auth_mode == "IAM"
    error_message = "Studio traffic stays in the VPC; users authenticate with IAM"
  }

  assert {
    condition     = aws_sagemaker_domain.this.kms_key_id == var.kms_key_arn && toset(aws_sagemaker_domain.this.subnet_ids) == toset(var.subnet_ids)
    error_message = "the domain uses the platform key and private subnets"
  }

  assert {
    condition     = toset(keys(aws_sagemaker_user_profile.this)) == toset(["lena-lead", "dan-ds", "dora-ds"])
    error_message = "one profile per configured user"
  }

  assert {
    condition     = one(aws_sagemaker_user_profile.this["lena-lead"].user_settings).execution_role == var.persona_role_arns["lead-data-scientist"]
    error_message = "leads run as the lead role"
  }

  assert {
    condition     = one(aws_sagemaker_user_profile.this["dora-ds"].user_settings).execution_role == var.persona_role_arns["data-scientist"]
    error_message = "data scientists run as the data scientist role"
  }

  assert {
    condition     = alltrue([for p in aws_sagemaker_user_profile.this : one(one(p.user_settings).sharing_settings).notebook_output_option == "Disabled"])
    error_message = "notebook output sharing is off"
  }
}

run "a_user_name_studio_would_refuse_is_rejected" {
  command = plan

  variables {
    user_profiles = { lead_data_scientists = ["Lena Lead"], data_scientists = [] }
  }

  expect_failures = [var.user_profiles]
}

run "a_user_cannot_be_in_both_personas" {
  command = plan

  variables {
    user_profiles = { lead_data_scientists = ["sam"], data_scientists = ["sam"] }
  }

  expect_failures = [var.user_profiles]
}
