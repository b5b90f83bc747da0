"""The documented platform.yaml template and the example values it is rendered with.

Shared by ``mlops config init`` and the local rehearsal, which writes its own platform.yaml; it lives beside
``config`` so that neither the CLI nor ``local`` has to import the other.
"""

from __future__ import annotations

from typing import Any

import jinja2

from platform_cli.config import (
    PLACEHOLDER_ACCOUNTS,
    PLACEHOLDER_APP_ID,
    PLACEHOLDER_INSTALLATION_ID,
    TemplateKind,
)

EXAMPLE_VALUES: dict[str, Any] = {
    "naming_prefix": "mlops",
    "org": "acme-ml",
    "api_url": "https://api.github.com",
    "auth": "app",
    "app_id": PLACEHOLDER_APP_ID,
    "installation_id": PLACEHOLDER_INSTALLATION_ID,
    "region": "eu-west-1",
    "business_unit": "retail",
    "dev_account": PLACEHOLDER_ACCOUNTS["dev"],
    "preprod_account": PLACEHOLDER_ACCOUNTS["preprod"],
    "prod_account": PLACEHOLDER_ACCOUNTS["prod"],
    "reviewers": "ml-reviewers",
    "maintainers": "ml-platform",
    "templates": [kind.value for kind in TemplateKind],
}


def render_config(values: dict[str, Any]) -> str:
    """Render the documented platform.yaml template with ``values``."""
    loader = jinja2.PackageLoader("platform_cli", "data")
    # Not HTML: autoescape would corrupt YAML; values are validated by parse_config after rendering.
    environment = jinja2.Environment(  # noqa: S701
        loader=loader, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    return environment.get_template("platform.yaml.j2").render(**values)
