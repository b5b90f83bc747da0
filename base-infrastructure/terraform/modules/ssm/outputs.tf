output "parameter_names" {
  description = "Every parameter of the /mlops contract, sorted."
  value       = sort(keys(aws_ssm_parameter.contract))
}

output "parameters" {
  description = "Value of every parameter of the /mlops contract by name."
  value       = { for name in keys(aws_ssm_parameter.contract) : name => local.parameters[name] }
}
