"""Service Catalog's template validation: an artifact's ``LoadTemplateFromURL`` must name a readable template.

AWS fetches the template when a product or provisioning artifact is created (unless ``DisableTemplateValidation``)
and refuses a missing or unparsable one with ``InvalidParametersException``. Here an S3 URL is read from moto's
S3 in the caller's account; a URL outside S3 cannot be fetched offline and is accepted.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote, urlparse

import yaml

# https://<bucket>.s3[.-]<region>.amazonaws.com/<key>, https://<bucket>.s3.amazonaws.com/<key>
_VIRTUAL_HOST = re.compile(r"^(?P<bucket>[a-z0-9.-]+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$")
# https://s3[.-]<region>.amazonaws.com/<bucket>/<key>
_PATH_STYLE = re.compile(r"^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$")


class _AnyTagLoader(yaml.SafeLoader):
    """A YAML loader that accepts CloudFormation's short-form tags (``!Ref``, ``!Sub`` ...) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_AnyTagLoader.add_multi_constructor("!", _any_tag)


def s3_location(url: str) -> tuple[str, str] | None:
    """``(bucket, key)`` of an S3 object URL, or ``None`` when the URL is not an S3 one."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    path = unquote(parsed.path.lstrip("/"))
    if match := _VIRTUAL_HOST.match(host):
        return (match["bucket"], path) if path else None
    if _PATH_STYLE.match(host) and "/" in path:
        bucket, key = path.split("/", 1)
        return bucket, key
    return None


def _stored_text(bucket: str, key: str, account_id: str) -> str | None:
    """The text of ``s3://bucket/key`` in local S3, or ``None`` when it cannot be read."""
    from moto.s3.models import s3_backends

    try:
        stored = s3_backends[account_id]["aws"].get_object(bucket, key)
    except Exception:  # moto's MissingBucket / AccessDenied: AWS reports both as an unloadable template
        return None
    return None if stored is None else str(stored.value.decode("utf-8", errors="replace"))


def _document(body: str) -> Any:
    """A template's text as data (JSON or YAML with any intrinsic-function tags); raises ValueError/YAMLError."""
    return json.loads(body) if body.lstrip().startswith("{") else yaml.load(body, Loader=_AnyTagLoader)  # noqa: S506 (SafeLoader subclass)


def template_problem(url: str, account_id: str) -> str | None:
    """Why the template at ``url`` would fail AWS's validation, or ``None`` when it would pass (or cannot be read)."""
    location = s3_location(url)
    if location is None:
        return None
    bucket, key = location
    body = _stored_text(bucket, key, account_id)
    if body is None:
        return f"Unable to load the template from {url}: s3://{bucket}/{key} does not exist."
    try:
        document = _document(body)
    except (ValueError, yaml.YAMLError):
        return f"The template at {url} is neither JSON nor YAML."
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        return f"The template at {url} has no Resources section."
    return None


def template_body(url: str, account_id: str) -> str | None:
    """The text of the template at ``url`` in local S3 (``None`` when it is not an S3 URL or does not exist)."""
    location = s3_location(url)
    return None if location is None else _stored_text(*location, account_id)


def missing_ssm_parameters(body: str, given: dict[str, str], account_id: str, region: str) -> list[str]:
    """The SSM parameters named by the template's ``AWS::SSM::Parameter::Value<...>`` parameters (given values or
    defaults) that do not exist: CloudFormation refuses such a stack with a ValidationError naming them."""
    try:
        document = _document(body)
    except (ValueError, yaml.YAMLError):
        return []
    from moto.ssm.models import ssm_backends

    backend = ssm_backends[account_id][region]
    missing = []
    for name, spec in (document.get("Parameters") or {}).items():
        if not str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value"):
            continue
        path = given.get(name, spec.get("Default"))
        if path and backend.get_parameter(str(path)) is None:
            missing.append(str(path))
    return missing
