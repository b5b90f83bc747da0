"""Errors of the local IAM evaluator."""

from __future__ import annotations


class LocalIamError(Exception):
    """Base of the local IAM evaluator's errors."""


class UnsupportedConditionError(LocalIamError):
    """A policy uses a condition operator the evaluator does not implement (it refuses rather than guess)."""


class InvalidWebIdentityTokenError(LocalIamError):
    """A web identity token failed verification (signature, expiry, audience or issuer)."""


class UnknownResourceTypeError(LocalIamError):
    """A stack resource type without handler permissions in the data file: authorising it would be a guess."""
