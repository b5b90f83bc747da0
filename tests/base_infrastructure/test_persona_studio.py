"""The persona policy allows what Studio asks for as the persona when it launches a project and shows its outcome
(``platform_cli.local.project_chain.STUDIO_ACTIONS``, the calls the local chain makes as the persona), and no
CloudFormation read: Studio reads a launch's outputs through Service Catalog."""

from __future__ import annotations

import pytest

from platform_cli.local.project_chain import STUDIO_ACTIONS
from tests.base_infrastructure.test_least_privilege import _persona_statements
from tests.bootstrap import policy_eval

PERSONAS = ("data-scientist", "lead-data-scientist")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", STUDIO_ACTIONS)
def test_the_persona_may_make_each_call_studio_makes_to_launch_a_project(persona: str, action: str) -> None:
    policy = {"Statement": _persona_statements(persona)}

    assert policy_eval.is_allowed([policy], None, action, "*")
