"""The one pydantic base of the platform's validated documents (platform.yaml, the template contract, project
requests): unknown fields are errors, values are immutable, surrounding white space is dropped."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
