"""Pipeline step scripts. Each module runs on its own inside a SageMaker container (it imports nothing from this
repo), and its functions are plain Python, so tests and `make run-local` call them directly."""
