"""The names base-infrastructure's workflows read are exactly the names `mlops org publish` sets, and the
script's and READMEs' instructions use the same names (one producer: platform_cli/github/base_settings.py)."""

from __future__ import annotations

import re
from pathlib import Path

from platform_cli.github.base_settings import ENVIRONMENT_VARIABLES, ORG_VARIABLES, PLAN_VARIABLES, variable_names

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "base-infrastructure" / ".github" / "workflows"
_VARS = re.compile(r"\bvars\.([A-Za-z_][A-Za-z0-9_]*)")
_STALE = ("AWS_ROLE_ARN", "AWS_PLAN_ROLE_ARN", "AWS_ACCOUNT_ID")


def _read_by_workflows() -> set[str]:
    return {name for path in WORKFLOWS.glob("*.yml") for name in _VARS.findall(path.read_text(encoding="utf-8"))}


def test_the_workflows_read_exactly_the_variables_org_publish_sets() -> None:
    assert variable_names() - {"MLOPS_NAMING_PREFIX"} == _read_by_workflows()


def test_bootstrap_script_tells_admins_to_set_the_same_names() -> None:
    script = (ROOT / "bootstrap.sh").read_text(encoding="utf-8")
    told = {name.replace("${ENV_UPPER}", "{ENV}") for name in re.findall(r"gh variable set (\S+)", script)}
    assert told == set(ENVIRONMENT_VARIABLES) | set(PLAN_VARIABLES)
    assert not [name for name in _STALE if name in script]


def test_both_readmes_name_every_variable_and_no_stale_one() -> None:
    for readme in (ROOT / "README.md", ROOT / "base-infrastructure" / "README.md"):
        text = readme.read_text(encoding="utf-8")
        if readme.parent == ROOT:  # the bootstrap section's next steps
            text = text[text.index("### Next steps") : text.index("Hardening you may add")]
        names = {*ORG_VARIABLES[:1], *ENVIRONMENT_VARIABLES, *(t.replace("{ENV}", "<ENV>") for t in PLAN_VARIABLES)}
        assert [name for name in sorted(names) if name not in text] == [], readme
        assert [name for name in _STALE if name in text] == [], readme
