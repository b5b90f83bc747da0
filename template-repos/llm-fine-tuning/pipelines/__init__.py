"""SageMaker pipeline definition (SDK v2) for LLM fine-tuning, its configuration, and the local runner."""
