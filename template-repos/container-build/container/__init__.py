"""The project's SageMaker image: training and serving programs following SageMaker's container contract."""
