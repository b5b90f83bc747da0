"""The Terraform READMEs' input/output tables are generated from the code and kept current by `make lint`."""

from __future__ import annotations

from pathlib import Path

from tests.base_infrastructure.tf_docs import BEGIN, END, documented_folders, render, updated

MODULE = """
variable "name_prefix" {
  type        = string
  description = "Prefix | of names."
}

variable "tags" {
  type        = map(string)
  description = "Tags."
  default     = {}
}

output "key_arn" {
  description = "The key."
  value       = "x"
}
"""


def test_the_tables_list_each_input_with_type_default_and_description_and_each_output(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text(MODULE)
    section = render(tmp_path)
    assert "| `name_prefix` | `string` | required | Prefix \\| of names. |" in section
    assert "| `tags` | `map(string)` | `{}` | Tags. |" in section
    assert "| `key_arn` | The key. |" in section


def test_only_the_marked_section_is_rewritten() -> None:
    readme = f"# kms\n\nHand-written.\n\n{BEGIN}\nold table\n{END}\n\nMore prose.\n"
    assert updated(readme, f"{BEGIN}\nnew\n{END}") == f"# kms\n\nHand-written.\n\n{BEGIN}\nnew\n{END}\n\nMore prose.\n"


def test_every_module_and_example_readme_holds_its_current_tables() -> None:
    folders = documented_folders()
    assert {folder.name for folder in folders} >= {"kms", "networking", "iam", "ssm"}
    stale = [
        str(f) for f in folders if updated((f / "README.md").read_text(), render(f)) != (f / "README.md").read_text()
    ]
    assert stale == [], "run `make tf-docs`"
