"""The project templates' own options that `mlops project create` offers (issue 17)."""

from __future__ import annotations

from platform_cli.config import TemplateKind

# Kinds whose project stack has RetrainOnNewData (base-infrastructure/project-templates/src/kinds.yaml,
# retrain_pipeline; tests/provisioning/test_retrain_on_new_data.py holds the two together).
RETRAINING_KINDS = frozenset(
    {TemplateKind.BUILD_DEPLOY_REALTIME, TemplateKind.BUILD_DEPLOY_BATCH, TemplateKind.SINGLE_ACCOUNT_TRAINING}
)
