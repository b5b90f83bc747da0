# preprod: approved models are staged here and smoke-tested; no Studio, no provisioning.
environment            = "preprod"
enable_project_factory = false
vpc_cidr               = "10.21.0.0/16"
enable_nat_gateway     = false
