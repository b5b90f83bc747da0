"""The local rehearsal (`mlops demo`): the real scripts, Terraform and Lambda code against the embedded defaults."""
