mock_provider "aws" {
  source = "../../tests/mocks/aws"
}

variables {
  name_prefix                = "mlops"
  templates_dir              = "../../../project-templates/rendered"
  enabled_templates          = ["build-deploy-realtime", "pipeline-promotion"]
  artifact_bucket            = "mlops-artifacts-111111111111-eu-west-1"
  artifacts_kms_key_arn      = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001"
  project_repos_function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:mlops-project-repos"
  passable_role_arns         = ["arn:aws:iam::111111111111:role/mlops-sagemaker-execution"]
  studio_principal_arns = {
    "lead-data-scientist" = "arn:aws:iam::111111111111:role/mlops-lead-data-scientist"
    "data-scientist"      = "arn:aws:iam::111111111111:role/mlops-data-scientist"
  }
}

run "templates_are_versioned_visible_in_studio_and_launched_with_the_launch_role" {
  command = apply

  assert {
    condition     = toset(keys(aws_servicecatalog_product.this)) == toset(var.enabled_templates)
    error_message = "a product per enabled template"
  }

  assert {
    condition     = alltrue([for p in aws_servicecatalog_product.this : p.tags["sagemaker:studio-visibility"] == "true"])
    error_message = "products carry the tag Studio reads"
  }

  assert {
    condition = alltrue([
      for k, o in aws_s3_object.service_catalog :
      o.key == "project-templates/service-catalog/${k}/v-${substr(filesha256("${var.templates_dir}/${k}.yaml"), 0, 12)}.yaml"
    ])
    error_message = "Service Catalog artifacts are content-addressed"
  }

  assert {
    condition     = alltrue([for k, a in aws_servicecatalog_provisioning_artifact.current : a.guidance == "DEFAULT" && startswith(a.name, output.template_versions[k])])
    error_message = "the current version is the default artifact"
  }

  assert {
    condition     = length(aws_s3_object.studio) == 0 && length(aws_s3_bucket_cors_configuration.studio) == 0
    error_message = "by default only the Service Catalog path launches projects: no S3-based template is published"
  }

  assert {
    condition     = alltrue([for c in aws_servicecatalog_constraint.launch : c.type == "LAUNCH" && jsondecode(c.parameters).RoleArn == aws_iam_role.launch.arn])
    error_message = "every product has a launch constraint with the launch role"
  }

  assert {
    condition     = toset([for a in aws_servicecatalog_principal_portfolio_association.studio : a.principal_arn]) == toset(values(var.studio_principal_arns))
    error_message = "the Studio roles are the portfolio's principals"
  }

  assert {
    condition     = jsondecode(aws_iam_role.launch.assume_role_policy).Statement[0].Principal.Service == "servicecatalog.amazonaws.com"
    error_message = "only Service Catalog assumes the launch role"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.launch.policy).Statement :
      !(contains(flatten([s.Action]), "*") && contains(flatten([s.Resource]), "*"))
    ])
    error_message = "no Action * on Resource * in the launch role"
  }
}

run "an_unknown_template_is_rejected_naming_the_variable" {
  command = plan

  variables {
    enabled_templates = ["build-deploy-realtime", "notebook-magic"]
  }

  expect_failures = [var.enabled_templates]
}

run "s3_templates_when_switched_on_are_tagged_for_studio_and_encrypted" {
  command = apply

  variables {
    publish_s3_templates = true
  }

  assert {
    condition     = length(aws_s3_object.studio) == length(var.enabled_templates) && alltrue([for o in aws_s3_object.studio : o.tags["sagemaker:studio-visibility"] == "true" && o.kms_key_id == var.artifacts_kms_key_arn])
    error_message = "S3 templates are tagged sagemaker:studio-visibility=true and encrypted"
  }
}
