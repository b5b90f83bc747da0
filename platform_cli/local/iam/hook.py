"""Authorise every request moto serves, as IAM would, from outside moto.

moto calls ``ActionAuthenticatorMixin._authenticate_and_authorize_action`` before each action (S3 with its own
IAM action, set per request in ``self.data["Action"]``); moto's own check runs only after
``INITIAL_NO_AUTH_ACTION_COUNT`` requests and knows identity policies only. :func:`install` replaces that method
with the local evaluator: principal from the request's access key, action from the operation, resource ARN from
the Service Authorization Reference, policies from moto's backends, ``iam:PassRole`` for each role the call passes.
Strict: a denial is answered in the service's error shape; permissive: it is logged and let through.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping
from typing import Any

from platform_cli.local.iam import actions, errors, log, mode, web_identity
from platform_cli.local.iam.evaluator import Decision, Policies, evaluate
from platform_cli.local.iam.exceptions import InvalidWebIdentityTokenError
from platform_cli.local.iam.passed_roles import passed_role_arns
from platform_cli.local.iam.policy import Request
from platform_cli.local.iam.principals import Caller, caller
from platform_cli.local.iam.resource_policies import resource_policy
from platform_cli.local.iam.resources import resource_of

# Request parameters that pass a role to the service called (-> iam:PassRole, iam:PassedToService).
_installed = False


def _params(response: Any) -> Mapping[str, Any]:
    """The request's parameters, by botocore's names, parsed with moto's own protocol parsers."""
    params = getattr(response, "params", None)
    if isinstance(params, Mapping) and params:
        return params
    try:
        from moto.core.parse import PROTOCOL_PARSERS
        from moto.core.request import determine_request_protocol
        from moto.core.utils import get_service_model

        request = response.normalized_request
        service_model = get_service_model(response.boto3_service_name)
        operation = service_model.operation_model(response._get_action())
        protocol = determine_request_protocol(service_model, request.content_type)
        parser = PROTOCOL_PARSERS[protocol](operation, map_type=dict)
        parsed = parser.parse(
            {
                "method": request.method,
                "values": request.values,
                "headers": request.headers,
                "body": request.data,
                "url_path": request.path,
                "url_params": response.uri_match,
            }
        )
        return dict(parsed)
    except Exception:  # an operation moto routes outside botocore's model: fall back to the raw parameters
        flat: dict[str, Any] = {}
        for key, value in (getattr(response, "querystring", None) or {}).items():
            flat[key] = value[0] if isinstance(value, list) and value else value
        body = getattr(response, "body", None)
        if isinstance(body, str) and body.startswith("{"):
            with contextlib.suppress(ValueError):
                flat.update(json.loads(body))
        return flat


def access_key_of(headers: Mapping[str, str], query: Mapping[str, Any]) -> str | None:
    """The access key id a request is signed with: the Authorization header's, else a presigned URL's
    ``X-Amz-Credential`` (moto's own parser takes only 20-character ids and no presigned URL)."""
    authorization = headers.get("Authorization", "")
    if "Credential=" in authorization:
        return authorization.split("Credential=", 1)[1].split("/", 1)[0]
    credential = query.get("X-Amz-Credential")
    if isinstance(credential, list):
        credential = credential[0] if credential else None
    if isinstance(credential, str) and "/" in credential:
        return credential.split("/", 1)[0]
    return None


def _access_key(response: Any) -> str:
    from urllib.parse import parse_qs, urlparse

    query = getattr(response, "querystring", None) or parse_qs(urlparse(getattr(response, "uri", "") or "").query)
    if "X-Amz-Credential" not in query:
        query = {**query, **parse_qs(urlparse(getattr(response, "uri", "") or "").query)}
    found = access_key_of(response.headers, query)
    return found if found is not None else str(response.get_access_key())


def _signing_name(response: Any) -> str:
    authorization = response.headers.get("Authorization", "")
    if "Credential=" in authorization:
        scope = authorization.split("Credential=", 1)[1].split(",", 1)[0].split("/")
        if len(scope) >= 4:
            return str(scope[3])
    return str(response.service_name or "")


# Actions on a role whose iam:PermissionsBoundary condition key is the boundary the role already has.
_ROLE_BOUNDARY_ACTIONS = frozenset(
    {
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:DeleteRolePermissionsBoundary",
    }
)


def _role_boundary(account: str, partition: str, role_name: str) -> str | None:
    from moto.iam.models import iam_backends

    try:
        boundary = iam_backends[account][partition].get_role(role_name).permissions_boundary_arn
    except Exception:  # no such role: the service answers NoSuchEntity itself
        return None
    return boundary if isinstance(boundary, str) else None


def _context(caller_: Caller, params: Mapping[str, Any], region: str) -> dict[str, str | list[str]]:
    principal = caller_.principal
    context: dict[str, str | list[str]] = {
        # The local endpoint stands for AWS's HTTPS endpoints: every SDK and Terraform reach AWS over TLS.
        "aws:SecureTransport": "true",
        "aws:PrincipalArn": principal.aliases[0] if principal.aliases else principal.arn,
        "aws:PrincipalAccount": principal.account,
        "aws:RequestedRegion": region,
    }
    if caller_.userid:
        context["aws:userid"] = caller_.userid
    if principal.kind == "Service":  # a service acting for a resource of this account (principals.py)
        context["aws:SourceAccount"] = principal.account
        del context["aws:PrincipalArn"], context["aws:PrincipalAccount"]
    if isinstance(params.get("PermissionsBoundary"), str):
        context["iam:PermissionsBoundary"] = params["PermissionsBoundary"]
    if isinstance(params.get("ModelApprovalStatus"), str):  # the pipeline roles may never register it Approved
        context["sagemaker:ModelApprovalStatus"] = params["ModelApprovalStatus"]
    for name, key in (("prefix", "s3:prefix"), ("Prefix", "s3:prefix"), ("delimiter", "s3:delimiter")):
        if isinstance(params.get(name), str):
            context[key] = params[name]
    return context


def decide(
    caller_: Caller, action: str, resource: str, context: Mapping[str, str | list[str]], *, partition: str, region: str
) -> Decision:
    """Evaluate one request of ``caller_`` against every policy that bears on it."""
    request = Request(caller_.principal, action, resource, context)
    policy, owner, must_grant = resource_policy(
        action, resource, partition=partition, account=caller_.principal.account, region=region
    )
    return evaluate(
        request,
        Policies(
            identity=caller_.identity,
            boundary=caller_.boundary,
            resource=policy,
            resource_account=owner,
            resource_must_grant=must_grant,
        ),
    )


def authorise(response: Any, action: str, resource: str | None) -> Decision | None:
    """Decide one request moto is about to serve; ``None`` when AWS does not authorise it by policy."""
    if action in actions.UNAUTHORISED_ACTIONS:
        return None
    from moto.utilities.utils import get_partition

    region = response.region
    partition = get_partition(region)
    account = response.current_account
    caller_ = caller(_access_key(response), account, partition, action)
    params = _params(response)
    if resource is None:
        resource = resource_of(action, params, partition=partition, region=region, account=account)
    context = _context(caller_, params, region)
    if action in _ROLE_BOUNDARY_ACTIONS and "iam:PermissionsBoundary" not in context:
        boundary = _role_boundary(account, partition, str(params.get("RoleName", "")))
        if boundary:
            context["iam:PermissionsBoundary"] = boundary
    decision = decide(caller_, action, resource, context, partition=partition, region=region)
    source_identity = params.get("SourceIdentity")
    if decision.allowed and action == "sts:AssumeRole" and isinstance(source_identity, str):
        # AWS: a source identity is set only where the caller's policy and the role's trust policy allow
        # sts:SetSourceIdentity (Studio's in a domain with ExecutionRoleIdentityConfig = USER_PROFILE_NAME)
        setter = caller(_access_key(response), account, partition, "sts:SetSourceIdentity")
        named = {**context, "sts:SourceIdentity": source_identity}
        decision = decide(setter, "sts:SetSourceIdentity", resource, named, partition=partition, region=region)
    if decision.allowed and not action.startswith("sts:"):
        service = action.split(":", 1)[0]
        for role in passed_role_arns(params):
            passed = {**context, "iam:PassedToService": f"{service}.amazonaws.com"}
            decision = decide(caller_, "iam:PassRole", role, passed, partition=partition, region=region)
            if not decision.allowed:
                break
    return decision


def _provider(partition: str, account: str) -> Any:
    from moto.iam.models import iam_backends

    backend = iam_backends[account][partition]

    def registered(url: str) -> tuple[str, list[str]] | None:
        arn = f"arn:{partition}:iam::{account}:oidc-provider/{url}"
        try:
            provider = backend.get_open_id_connect_provider(arn)
        except Exception:  # not registered in this account
            return None
        return arn, list(provider.client_id_list)

    return registered


def authorise_web_identity(response: Any) -> Decision:
    """AssumeRoleWithWebIdentity: verify the token (raising STS's error), then the role's trust policy decides."""
    from moto.utilities.utils import get_partition

    params = _params(response)
    role_arn = str(params.get("RoleArn", ""))
    partition = get_partition(response.region)
    account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else response.current_account
    try:
        identity = web_identity.verify(str(params.get("WebIdentityToken", "")), role_arn, _provider(partition, account))
    except web_identity.ExpiredWebIdentityTokenError as error:
        raise errors.query_error("ExpiredTokenException", str(error), 400) from error
    except InvalidWebIdentityTokenError as error:
        raise errors.query_error("InvalidIdentityToken", str(error), 400) from error
    from platform_cli.local.iam.principals import Caller

    federated = Caller(identity.principal, (), None)
    # sts:RoleSessionName: a trust may require the session to be named (project_trust.py: the project id).
    context = {**identity.context, "sts:RoleSessionName": str(params.get("RoleSessionName", ""))}
    return decide(
        federated,
        "sts:AssumeRoleWithWebIdentity",
        role_arn,
        context,
        partition=partition,
        region=response.region,
    )


def _denial(response: Any, decision: Decision, s3: bool) -> Exception:
    if s3:
        from moto.s3.exceptions import S3ClientError

        return S3ClientError("AccessDenied", decision.message())
    protocol = "query"
    try:
        from moto.core.utils import get_service_model

        protocol = get_service_model(response.boto3_service_name).protocol
    except Exception:  # a service outside botocore's models: the query protocol's XML
        protocol = "query"
    return errors.access_denied(protocol, response.boto3_service_name, decision.message())


def _authenticate_and_authorize_action(self: Any, iam_request_cls: type, resource: str = "*") -> None:
    from moto.iam.access_control import S3IAMRequest

    s3 = iam_request_cls is S3IAMRequest
    if s3:
        action = f"s3:{self.data.get('Action', '')}"
        arn: str | None = resource
    else:
        action = actions.action_of(_signing_name(self), self._get_action())
        arn = None if resource == "*" else resource
    enforced = mode.current() == "strict"
    started = time.perf_counter()
    if action == "sts:AssumeRoleWithWebIdentity":
        decision = authorise_web_identity(self)
        log.record(decision, enforced=enforced, seconds=time.perf_counter() - started)
        if enforced and not decision.allowed:
            raise errors.query_error("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
        return
    found = authorise(self, action, arn)
    if found is None:
        return
    log.record(found, enforced=enforced, seconds=time.perf_counter() - started)
    if enforced and not found.allowed:
        raise _denial(self, found, s3)


def installed() -> bool:
    """Whether this process authorises what moto serves (the local AWS server does; in-process moto does not)."""
    return _installed


def install() -> None:
    """Put the evaluator in front of every action moto serves (once)."""
    global _installed
    if _installed:
        return
    mode.current()  # a wrong MLOPS_LOCAL_IAM stops the server at start, with the one-line cause
    from moto.core.authorization import ActionAuthenticatorMixin

    ActionAuthenticatorMixin._authenticate_and_authorize_action = (  # type: ignore[method-assign]
        _authenticate_and_authorize_action
    )
    _installed = True
