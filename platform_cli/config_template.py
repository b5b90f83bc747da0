"""The documented platform.yaml template and the example values it is rendered with.

Shared by ``mlops config init`` and the local rehearsal, which writes its own platform.yaml; it lives beside
``config`` so that neither the CLI nor ``local`` has to import the other.
"""

from __future__ import annotations

from typing import Any

import jinja2

from platform_cli.config import TemplateKind

EXAMPLE_VALUES: dict[str, Any] = {
    "naming_prefix": "mlops",
    "org": "acme-ml",
    "api_url": "https://api.github.com",
    "auth": "app",
    "app_id": 123456,
    "installation_id": 7654321,
    "region": "eu-west-1",
    "business_unit": "retail",
    "dev_account": "111111111111",
    "preprod_account": "222222222222",
    "prod_account": "333333333333",
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
