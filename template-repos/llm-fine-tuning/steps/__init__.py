"""Pipeline step scripts. Each runs alone inside a SageMaker container (imports nothing from this repo) and its
functions are plain Python, so the tests and `make run-local` call them directly."""
