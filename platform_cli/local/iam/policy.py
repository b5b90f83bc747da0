"""One IAM policy document and the question each of its statements answers: does it apply to this request?"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from platform_cli.local.iam.conditions import Context, conditions_hold, wildcard_match


@dataclass(frozen=True)
class Principal:
    """Who makes a request: its ARN as AWS names it in a denial, and the ARNs a policy may name it by."""

    arn: str  # arn:aws:sts::1:assumed-role/R/s, arn:aws:iam::1:user/U, arn:aws:iam::1:root
    account: str
    aliases: tuple[str, ...] = ()  # the role ARN of a session; the federated provider of a web identity
    kind: str = "AWS"  # AWS | Federated | Service

    @property
    def names(self) -> tuple[str, ...]:
        return (self.arn, *self.aliases)

    @property
    def is_root(self) -> bool:
        return self.arn.endswith(":root")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def load(document: str | Mapping[str, Any]) -> dict[str, Any]:
    """A policy document from its JSON text (moto keeps some URL-encoded) or a mapping."""
    if isinstance(document, Mapping):
        return dict(document)
    text = document
    if text.lstrip().startswith("%7B") or text.lstrip().startswith("%7b"):
        from urllib.parse import unquote

        text = unquote(text)
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else {}


@dataclass(frozen=True)
class Request:
    """What is asked: ``principal`` performs ``action`` on ``resource`` with ``context`` (condition keys)."""

    principal: Principal
    action: str
    resource: str
    context: Mapping[str, str | list[str]] = field(default_factory=dict)


def _principal_entries(element: Any) -> list[tuple[str, str]]:
    """A ``Principal`` element as ``(kind, value)`` pairs; ``"*"`` (anyone) reads as ``("AWS", "*")``."""
    if element == "*":
        return [("AWS", "*")]
    if not isinstance(element, Mapping):
        return []
    return [(kind, value) for kind, values in element.items() for value in _as_list(values)]


def _principal_matches(element: Any, principal: Principal) -> bool:
    for kind, value in _principal_entries(element):
        if value == "*" and kind == "AWS":
            return True
        if kind != principal.kind:
            continue
        if kind == "AWS":
            if value in (principal.account, f"arn:aws:iam::{principal.account}:root"):
                return True  # the account: delegated to the account's own IAM policies
            if any(wildcard_match(value, name) for name in principal.names):
                return True
        elif any(value == name for name in principal.names):
            return True
    return False


def names_principal_directly(element: Any, principal: Principal) -> bool:
    """Whether a resource policy's ``Principal`` names this principal itself (not just its account)."""
    for kind, value in _principal_entries(element):
        if value == "*" and kind == "AWS":
            return True
        if kind == principal.kind and any(wildcard_match(value, name) for name in principal.names):
            return principal.is_root or not value.endswith(":root")
    return False


@dataclass(frozen=True)
class Statement:
    raw: Mapping[str, Any]

    @property
    def effect(self) -> str:
        return str(self.raw.get("Effect", "Deny"))

    def _action_applies(self, action: str) -> bool:
        if "NotAction" in self.raw:
            return not any(wildcard_match(a, action, ignore_case=True) for a in _as_list(self.raw["NotAction"]))
        return any(wildcard_match(a, action, ignore_case=True) for a in _as_list(self.raw.get("Action")))

    def _resource_applies(self, resource: str, context: Context) -> bool:
        if "NotResource" in self.raw:
            return not any(wildcard_match(_substitute(r, context), resource) for r in _as_list(self.raw["NotResource"]))
        if "Resource" not in self.raw:  # resource policies may omit it: the resource itself
            return True
        return any(wildcard_match(_substitute(r, context), resource) for r in _as_list(self.raw["Resource"]))

    def _principal_applies(self, principal: Principal) -> bool:
        if "NotPrincipal" in self.raw:
            return not _principal_matches(self.raw["NotPrincipal"], principal)
        if "Principal" not in self.raw:
            return True  # identity policy
        return _principal_matches(self.raw["Principal"], principal)

    def applies(self, request: Request) -> bool:
        return (
            self._action_applies(request.action)
            and self._resource_applies(request.resource, request.context)
            and self._principal_applies(request.principal)
            and conditions_hold(self.raw.get("Condition"), request.context)
        )

    def names_principal(self, principal: Principal) -> bool:
        return "Principal" in self.raw and names_principal_directly(self.raw["Principal"], principal)


def _substitute(value: str, context: Context) -> str:
    if "${" not in value:
        return value
    out = value
    for key, found in context.items():
        if isinstance(found, str):
            out = out.replace("${" + key + "}", found)
    return out


@dataclass(frozen=True)
class Policy:
    """A policy document's statements, and where it came from (for the decision log)."""

    source: str
    statements: tuple[Statement, ...]

    @classmethod
    def of(cls, source: str, document: str | Mapping[str, Any]) -> Policy:
        if isinstance(document, str):
            return _parsed(source, document)  # the same document text is parsed once
        loaded = load(document)
        return cls(source, tuple(Statement(s) for s in _as_list(loaded.get("Statement"))))

    def matching(self, request: Request, effect: str) -> list[Statement]:
        return [s for s in self.statements if s.effect == effect and s.applies(request)]


def any_matching(policies: Iterable[Policy], request: Request, effect: str) -> list[Statement]:
    return [s for p in policies for s in p.matching(request, effect)]


@lru_cache(maxsize=4096)
def _parsed(source: str, text: str) -> Policy:
    loaded = load(text)
    return Policy(source, tuple(Statement(s) for s in _as_list(loaded.get("Statement"))))
