"""SageMaker project templates (CloudFormation), rendered from one jinja2 source."""
