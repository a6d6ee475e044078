"""Which user pools a plan or template defines: what --cognito-pool chooses among."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from auditor.sources.files.cloudformation.template import read_cloudformation
from auditor.sources.files.cognito_pool import LIST_POOLS, PoolsListed
from auditor.sources.files.terraform.plan import read_terraform_plan
from auditor.sources.files.terraform.reader import read_terraform


def pools_in(kind: str, path: Path, root: Path, var_files: Sequence[Path] = ()) -> list[str]:
    """The user pools a Terraform plan (`terraform_plan`), a Terraform module folder (`terraform`) or a
    CloudFormation template defines, by key."""
    try:
        if kind == "terraform":
            read_terraform(path, root, LIST_POOLS, var_files)
        else:
            (read_terraform_plan if kind == "terraform_plan" else read_cloudformation)(path, root, LIST_POOLS)
    except PoolsListed as listed:
        return listed.keys
    return []
