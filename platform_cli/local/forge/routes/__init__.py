"""REST routes, one module per resource; each exposes ``register(router)``."""

from __future__ import annotations

from types import ModuleType

from platform_cli.local.forge.routes import (
    apps,
    branches,
    contents,
    environments,
    gitrefs,
    invitations,
    orgs,
    repos,
    secrets,
    teams,
    users,
    variables,
    workflows,
)

ALL_MODULES: list[ModuleType] = [
    users,
    orgs,
    teams,
    repos,
    branches,
    contents,
    secrets,
    variables,
    environments,
    workflows,
    gitrefs,
    invitations,
    apps,
]
