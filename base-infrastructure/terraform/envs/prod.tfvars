# prod: serves production traffic; deployments need the prod GitHub environment's approval.
environment            = "prod"
enable_project_factory = false
vpc_cidr               = "10.22.0.0/16"
enable_nat_gateway     = false
