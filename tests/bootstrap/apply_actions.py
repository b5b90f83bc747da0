"""The actions the apply role needs on the services whose resource ids are unknown before they exist, derived
from the base infrastructure itself: each ``aws_*`` resource of those services in the Terraform is mapped to its
CloudFormation type, whose resource provider schema (shipped with cfn-lint) lists the permissions of its
create/update/delete handlers; reads stay service-wide (``Describe*``, ``Get*``, ``List*``)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import cfnlint

from tests.base_infrastructure.harness import TERRAFORM_SRC

SERVICES = ("cloudwatch", "ec2", "events", "kms", "logs", "sagemaker", "servicecatalog")
READS = ("Describe*", "Get*", "List*")
# ec2:Get* would include GetPasswordData: EC2 keeps only the Get actions its resources' handlers need.
NO_SERVICE_WIDE_GET = ("ec2",)

# Terraform resource type → the CloudFormation type(s) that create the same thing.
CFN_TYPES: dict[str, tuple[str, ...]] = {
    "aws_vpc": ("AWS::EC2::VPC",),
    "aws_subnet": ("AWS::EC2::Subnet",),
    "aws_security_group": ("AWS::EC2::SecurityGroup",),
    "aws_default_security_group": ("AWS::EC2::SecurityGroup",),
    "aws_vpc_security_group_egress_rule": ("AWS::EC2::SecurityGroupEgress",),
    "aws_vpc_security_group_ingress_rule": ("AWS::EC2::SecurityGroupIngress",),
    "aws_vpc_endpoint": ("AWS::EC2::VPCEndpoint",),
    "aws_route_table": ("AWS::EC2::RouteTable",),
    "aws_route": ("AWS::EC2::Route",),
    "aws_route_table_association": ("AWS::EC2::SubnetRouteTableAssociation",),
    "aws_nat_gateway": ("AWS::EC2::NatGateway",),
    "aws_internet_gateway": ("AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment"),
    "aws_eip": ("AWS::EC2::EIP",),
    "aws_flow_log": ("AWS::EC2::FlowLog",),
    "aws_kms_key": ("AWS::KMS::Key",),
    "aws_kms_alias": ("AWS::KMS::Alias",),
    "aws_cloudwatch_log_group": ("AWS::Logs::LogGroup",),
    "aws_cloudwatch_metric_alarm": ("AWS::CloudWatch::Alarm",),
    "aws_cloudwatch_event_rule": ("AWS::Events::Rule",),
    "aws_cloudwatch_event_target": ("AWS::Events::Rule",),
    "aws_sagemaker_domain": ("AWS::SageMaker::Domain",),
    "aws_sagemaker_user_profile": ("AWS::SageMaker::UserProfile",),
    "aws_servicecatalog_portfolio": ("AWS::ServiceCatalog::Portfolio",),
    "aws_servicecatalog_product": ("AWS::ServiceCatalog::CloudFormationProduct",),
    "aws_servicecatalog_provisioning_artifact": ("AWS::ServiceCatalog::CloudFormationProduct",),
    "aws_servicecatalog_product_portfolio_association": ("AWS::ServiceCatalog::PortfolioProductAssociation",),
    "aws_servicecatalog_principal_portfolio_association": ("AWS::ServiceCatalog::PortfolioPrincipalAssociation",),
    "aws_servicecatalog_constraint": ("AWS::ServiceCatalog::LaunchRoleConstraint",),
}
_RESOURCE = re.compile(r'^resource "(aws_[a-z0-9_]+)"', re.MULTILINE)
_SCHEMAS = Path(cfnlint.__file__).parent / "data" / "schemas"


def terraform_resource_types(root: Path = TERRAFORM_SRC) -> set[str]:
    return {
        m for path in root.rglob("*.tf") if ".terraform" not in path.parts for m in _RESOURCE.findall(path.read_text())
    }


@cache
def _handler_permissions(cfn_type: str) -> frozenset[str]:
    index = json.loads((_SCHEMAS / "providers" / "us-east-1.json").read_text())
    schema = json.loads((_SCHEMAS / "resources" / f"{index[cfn_type]}.json").read_text())
    handlers = schema.get("handlers", {})
    return frozenset(
        action for kind in ("create", "update", "delete") for action in handlers.get(kind, {}).get("permissions", [])
    )


def derived_actions() -> list[str]:
    """Write actions of the derived services' resources in the configuration, plus their service-wide reads."""
    used = terraform_resource_types()
    actions = {
        f"{service}:{read}"
        for service in SERVICES
        for read in READS
        if not (read == "Get*" and service in NO_SERVICE_WIDE_GET)
    }
    for tf_type in sorted(used):
        for cfn_type in CFN_TYPES.get(tf_type, ()):
            actions |= {a for a in _handler_permissions(cfn_type) if a.split(":", 1)[0] in SERVICES}

    def covered(action: str) -> bool:
        service, name = action.split(":", 1)
        return any(f"{service}:{read}" in actions and name.startswith(read[:-1]) for read in READS)

    return sorted(a for a in actions if a.endswith("*") or not covered(a))


if __name__ == "__main__":
    for action in derived_actions():
        print(f"              - {action}")
