"""Read bootstrap.yaml as CloudFormation does (cfn-lint's decoder understands !Sub, !Ref, ...) and render its
intrinsic functions for given parameters, so tests can read the policy documents AWS would receive.

Used where moto cannot show the behaviour: moto stores no bucket policy from CloudFormation and evaluates no
permissions boundary, so those are checked on the rendered documents with ``policy_eval``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cfnlint.decode import decode_str

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "bootstrap.yaml"
SCRIPT_PATH = ROOT / "bootstrap.sh"

ACCOUNT = "111111111111"
REGION = "eu-west-1"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000"
LOG_BUCKET = "mlops-dev-bootstrap-stateaccesslogbucket-abc"


def load_template() -> dict[str, Any]:
    template, matches = decode_str(TEMPLATE_PATH.read_text(encoding="utf-8"))
    assert not matches, matches
    return dict(template)


def default_parameters(template: dict[str, Any], **overrides: str) -> dict[str, str]:
    values = {name: str(spec["Default"]) for name, spec in template["Parameters"].items() if "Default" in spec}
    values.update({"Environment": "dev", "GitHubOrg": "acme"})
    values.update(overrides)
    return values


# What ``Ref: AWS::NoValue`` renders to: CloudFormation drops the property or list item that holds it.
_NO_VALUE = object()


class Renderer:
    """Resolves Ref, Fn::Sub, Fn::GetAtt, Fn::If and Fn::Equals with fixed parameters and fake physical ids."""

    def __init__(
        self,
        template: dict[str, Any],
        parameters: dict[str, str],
        stack_name: str = "mlops-dev-bootstrap",
        custom_data: dict[str, dict[str, str]] | None = None,
    ):
        self.template = template
        self.parameters = parameters
        # What each custom resource answered (its Data), read by Fn::GetAtt / ${Resource.Attribute}.
        self.custom_data = custom_data or {}
        self.pseudo = {
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": REGION,
            "AWS::Partition": "aws",
            "AWS::StackName": stack_name,
            "AWS::URLSuffix": "amazonaws.com",
        }
        self.conditions = {name: self.render(body) for name, body in template.get("Conditions", {}).items()}

    def physical(self, logical_id: str) -> str:
        resource = self.template["Resources"][logical_id]
        properties = resource.get("Properties", {})
        kind = resource["Type"]
        if kind == "AWS::S3::Bucket":
            return self.render(properties["BucketName"]) if "BucketName" in properties else LOG_BUCKET
        if kind == "AWS::IAM::ManagedPolicy":
            return f"arn:aws:iam::{ACCOUNT}:policy/{self.render(properties['ManagedPolicyName'])}"
        if kind == "AWS::IAM::Role":
            return str(self.render(properties["RoleName"]))
        if kind == "AWS::IAM::OIDCProvider":
            return f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
        if kind == "AWS::KMS::Key":
            return KEY_ARN.rsplit("/", 1)[1]
        if kind == "AWS::DynamoDB::Table":
            return str(self.render(properties["TableName"]))
        named = {"AWS::SQS::Queue": "QueueName", "AWS::Lambda::Function": "FunctionName", "AWS::Events::Rule": "Name"}
        if kind in named and named[kind] in properties:  # issue 17 item 2 (the retrain resources)
            return str(self.render(properties[named[kind]]))
        return logical_id

    def attribute(self, logical_id: str, name: str) -> str:
        kind = self.template["Resources"][logical_id]["Type"]
        if kind.startswith("Custom::") and name in self.custom_data.get(logical_id, {}):
            return self.custom_data[logical_id][name]
        if name != "Arn":
            raise KeyError(f"{logical_id}.{name}")
        if kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{self.physical(logical_id)}"
        if kind == "AWS::IAM::Role":
            return f"arn:aws:iam::{ACCOUNT}:role/{self.physical(logical_id)}"
        if kind == "AWS::KMS::Key":
            return KEY_ARN
        if kind == "AWS::DynamoDB::Table":
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{self.physical(logical_id)}"
        if kind == "AWS::SQS::Queue":
            return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{self.physical(logical_id)}"
        if kind == "AWS::Lambda::Function":
            return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.physical(logical_id)}"
        if kind == "AWS::Events::Rule":
            return f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{self.physical(logical_id)}"
        raise KeyError(f"{logical_id}.{name}")

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self.physical(name)

    def substitute(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return self.attribute(logical_id, attribute)
            return self.ref(name)

        return re.sub(r"\$\{([^}!]+)\}", value, text)

    def render(self, node: Any) -> Any:
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, value),) = node.items()
                if key == "Ref":
                    return self.ref(value)
                if key == "Fn::Sub":
                    return self.substitute(value)
                if key == "Fn::GetAtt":
                    return self.attribute(value[0], value[1])
                if key == "Fn::If":
                    return self.render(value[1] if self.conditions[value[0]] else value[2])
                if key == "Fn::Equals":
                    return self.render(value[0]) == self.render(value[1])
            rendered = {str(key): self.render(value) for key, value in node.items()}
            return {key: value for key, value in rendered.items() if value is not _NO_VALUE}
        if isinstance(node, list):
            return [item for item in (self.render(item) for item in node) if item is not _NO_VALUE]
        return node

    def properties(self, logical_id: str) -> dict[str, Any]:
        return dict(self.render(self.template["Resources"][logical_id].get("Properties", {})))

    def policy(self, logical_id: str) -> dict[str, Any]:
        properties = self.properties(logical_id)
        return dict(properties.get("PolicyDocument") or properties["AssumeRolePolicyDocument"])
