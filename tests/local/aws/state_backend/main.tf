# A state held in the S3 backend of local AWS, and a resource whose creation waits until the test releases it:
# the first apply holds the state lock for as long as the test needs. Backend settings come from -backend-config.

terraform {
  required_version = ">= 1.10"
  backend "s3" {}
}

variable "release_file" {
  type        = string
  description = "The creation of terraform_data.hold waits until this file exists (at most 120 s)."
}

variable "run" {
  type        = string
  description = "Changes on every apply so there is always something to create."
}

resource "terraform_data" "hold" {
  input = var.run

  provisioner "local-exec" {
    command = "for i in $(seq 1200); do [ -e '${var.release_file}' ] && exit 0; sleep 0.1; done; exit 1"
  }
}
