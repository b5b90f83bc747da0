"""Deploy an approved model package to a SageMaker real-time endpoint (boto3), smoke-test it, roll back on failure."""
