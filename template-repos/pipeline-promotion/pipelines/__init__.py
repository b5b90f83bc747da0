"""The promotable SageMaker pipeline (SDK v2), its promotion across accounts, and the local runner."""
