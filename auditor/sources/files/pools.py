"""Which user pools a plan or template defines: what --cognito-pool chooses among."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from auditor.sources.files.cognito_pool import LIST_POOLS, PoolsListed


def pools_in(kind: str, path: Path, root: Path, var_files: Sequence[Path] = ()) -> list[str]:
    """The user pools a Terraform plan (`terraform_plan`), a Terraform module folder (`terraform`) or a
    CloudFormation template defines, by key."""
    try:
        # Each reader is imported only for its own kind: the HCL stack alone is about 90 ms of imports.
        if kind == "terraform":
            from auditor.sources.files.terraform.reader import read_terraform  # lazy: that kind only

            read_terraform(path, root, LIST_POOLS, var_files)
        elif kind == "terraform_plan":
            from auditor.sources.files.terraform.plan import read_terraform_plan  # lazy: that kind only

            read_terraform_plan(path, root, LIST_POOLS)
        else:
            from auditor.sources.files.cloudformation.template import read_cloudformation  # lazy: that kind only

            read_cloudformation(path, root, LIST_POOLS)
    except PoolsListed as listed:
        return listed.keys
    return []
