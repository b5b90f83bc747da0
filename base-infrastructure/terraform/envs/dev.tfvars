# dev: where data scientists work, projects are created and pipelines train and register models.
environment            = "dev"
enable_project_factory = true
vpc_cidr               = "10.20.0.0/16"
enable_nat_gateway     = true

studio_user_profiles = {
  lead_data_scientists = []
  data_scientists      = []
}
