"""SageMaker pipeline definition (SageMaker Python SDK v2), its configuration, and the local runner."""
