"""The options that several commands share, and the help panels they are shown in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor.plan import TOKEN_ENV

if TYPE_CHECKING:
    pass


# ---- shared option types ----------------------------------------------------------------------

OmUrl = Annotated[str | None, typer.Option("--om-url", help="OpenMetadata base URL, e.g. https://om.example.com")]
TokenFile = Annotated[Path | None, typer.Option("--om-token-file", help=f"File holding the admin token "
                                                f"(else ${TOKEN_ENV}); never pass a token on the command line.")]
Active = Annotated[bool, typer.Option("--active", help="Run active probes (one default-login attempt, one "
                                      "default-key token request). Without it omaudit sends only GETs.")]
Formats = Annotated[list[str] | None, typer.Option("--format", "-f", metavar="FORMAT", help="table (stdout), json, "
                                                  "sarif, junit, markdown, html, csv; repeatable.")]
Suppressions = Annotated[Path | None, typer.Option("--suppressions", help="TOML suppressions file (default: "
                                                   "omaudit-suppressions.toml if present).")]
NoSuppressions = Annotated[bool, typer.Option("--no-suppressions", help="Audit without any suppression.")]
Baseline = Annotated[str | None, typer.Option("--baseline", help="An earlier report.json, or 'latest' for "
                                              "reports/latest: marks findings new or existing.")]
FailOnNew = Annotated[bool, typer.Option("--fail-on-new", help="Exit 1 only for new failing findings.")]
FailOnUnknown = Annotated[bool, typer.Option("--fail-on-unknown", help="Exit 3 when a rule at or above "
                                             "--fail-on is SKIPPED because only the deployment decides it (a "
                                             "parameter, an include or a reference the files leave open).")]
Inventory = Annotated[Path | None, typer.Option("--inventory", help="TOML inventory of targets (fleet scan).")]
TargetGlobs = Annotated[list[str] | None, typer.Option("--targets", metavar="<glob>",
                                                       help="Only inventory targets whose name "
                                                       "matches this glob; repeatable.")]
Tags = Annotated[list[str] | None, typer.Option("--tag", metavar="<tag>",
                                                help="Only inventory targets with this tag; repeatable.")]
Shard = Annotated[str | None, typer.Option("--shard", help="K/N: scan shard K (0-based) of N, by target name hash.")]
Concurrency = Annotated[int | None, typer.Option(
    "--concurrency", help="Targets scanned at once (default: 20 per usable CPU, at most 64).", show_default=False)]
NoCognito = Annotated[bool, typer.Option("--no-cognito", help="Audit OpenMetadata only: no Cognito call, every "
                                         "Cognito rule SKIPPED.")]
LockoutWindow = Annotated[float, typer.Option("--lockout-window", help="Seconds after a login probe during which "
                                              "the account is not probed again (recorded in --state-dir).")]
StateDir = Annotated[str | None, typer.Option("--state-dir", help="Where login probes are recorded (default: "
                                               "$OMAUDIT_STATE_DIR, else $XDG_STATE_HOME/omaudit or "
                                               "~/.local/state/omaudit). Share it between machines that scan "
                                               "the same servers.")]
OutputDir = Annotated[Path | None, typer.Option("--output-dir", "-o", help="Where files go (default: "
                                                "reports/<UTC timestamp>/, with reports/latest). With a "
                                                "folder named, stdout gets no file format; `-o -`: the "
                                                "first format on stdout and no files.")]
FailOn = Annotated[str, typer.Option("--fail-on", metavar="SEVERITY", help="Lowest severity of an un-muted FAIL "
                                      "that exits 1: info, low, medium, high, critical, or none (never; a soft gate).")]
RuleIds = Annotated[str | None, typer.Option("--rules", help="Only these rules, comma-separated: IDs, globs (OMA2*) "
                                             "or categories (openmetadata, cognito, cognito_pool, cognito_client, "
                                             "cross, config_files).")]
SkipIds = Annotated[str | None, typer.Option("--skip-rules", help="Skip these rules: IDs, globs or categories, "
                                             "comma-separated.")]
RulesDirs = Annotated[list[Path] | None, typer.Option("--rules-dir", metavar="<path>",
                 help="Extra folder of rule files.")]
CaBundle = Annotated[Path | None, typer.Option("--ca-bundle", help="CA bundle to verify the server with.")]
Insecure = Annotated[bool, typer.Option("--insecure", help="Do not verify TLS certificates.")]
PoolId = Annotated[str | None, typer.Option("--cognito-pool-id", help="User pool to audit (default: discovered "
                                            "from OpenMetadata's authority).")]
ClientId = Annotated[str | None, typer.Option("--cognito-client-id", help="App client OpenMetadata uses (default: "
                                              "discovered clientId; else every client).")]
AwsRegion = Annotated[str | None, typer.Option("--aws-region", help="AWS region (default: from the pool ID).")]
AwsProfile = Annotated[str | None, typer.Option("--aws-profile", help="Named AWS profile (else boto3's chain).")]
AwsEndpoint = Annotated[str | None, typer.Option("--aws-endpoint-url", help="cognito-idp endpoint, e.g. moto "
                                                 "(else AWS_ENDPOINT_URL).")]
ConfigFile = Annotated[Path | None, typer.Option("--om-config", "--config",
                                                 help="OpenMetadata's openmetadata.yaml (`--config` is its old "
                                                 "name, still taken): a file scan (no running server is "
                                                 "contacted). omaudit's own settings go to --settings.")]
EnvFiles = Annotated[list[Path] | None, typer.Option("--env-file", metavar="<path>",
                 help="docker .env file resolving --om-config's "
                                                     "${VAR:-default} placeholders; repeatable, a later file wins (as "
                                                     "Compose's env_file list).")]
ComposeFile = Annotated[Path | None, typer.Option("--compose-file", help="docker compose file whose OpenMetadata "
                                                  "service's environment: resolves placeholders (after --env-file).")]
HelmValues = Annotated[list[Path] | None, typer.Option("--helm-values", metavar="<path>",
                 help="Values file of the official "
                                                       "openmetadata Helm chart; repeatable.")]
TerraformPlan = Annotated[Path | None, typer.Option("--terraform-plan", help="`terraform show -json plan.out` "
                                                    "output: the Cognito resources in it.")]
Manifests = Annotated[list[Path] | None, typer.Option("--k8s", metavar="<path>",
                 help="Kubernetes manifests (YAML, several documents "
                                                  "each): the OpenMetadata server's Deployment or StatefulSet and the "
                                                  "ConfigMaps and Secrets its env references; repeatable.")]
Terraform = Annotated[list[Path] | None, typer.Option("--terraform", metavar="<path>",
                 help="A Terraform root module's folder (its "
                                                     ".tf and .tf.json files, local modules, tfvars): the Cognito "
                                                     "resources in it, without a plan; repeatable.")]
VarFiles = Annotated[list[Path] | None, typer.Option("--var-file", metavar="<path>",
                 help="A .tfvars file for --terraform's variables, "
                                                     "after terraform.tfvars and *.auto.tfvars; repeatable, a "
                                                     "later file wins (as terraform -var-file).")]
RepoUrl = Annotated[str | None, typer.Option("--repo-url", metavar="<url>",
                 help="The git repository the scanned folder is a checkout of, as Argo CD "
                      "Applications name it: a `$ref/...` or chart-path value file of a source with this "
                      "repoURL (and --repo-revision) is read from the folder; any other is unknown.")]
RepoRevision = Annotated[str | None, typer.Option("--repo-revision", metavar="<revision>",
                 help="The branch or tag of --repo-url the checkout stands for (a pull request's "
                      "base branch, say); default HEAD, which a source without targetRevision names.")]
CloudFormation = Annotated[list[Path] | None, typer.Option("--cloudformation", metavar="<path>",
                 help="CloudFormation template "
                                                           "(YAML or JSON); repeatable.")]
ScanDir = Annotated[Path | None, typer.Option("--dir", help="Find the known configuration files under this folder "
                                              "(each one used is named); paths in findings are relative to it. "
                                              "Also taken as the first argument: `omaudit scan .`.")]
TargetName = Annotated[str | None, typer.Option("--name", help="The target's name in reports and fingerprints "
                                                "(default: the URL's host, or `files` for a file scan, never "
                                                "the checkout's folder).")]
# `omaudit scan .` (as `trivy config .` and `checkov -d .` take it): the same as --dir, whose help says
# so; hidden from the help's panels so that --dir is described once, in its own panel.
ScanPath = Annotated[Path | None, typer.Argument(hidden=True, show_default=False)]

# --help groups the shared options into panels (typer's rich help); an option not named here stays
# under "Options".
PANELS = {
    "Target": ("--om-url", "--om-token-file", "--active", "--cognito-pool-id", "--cognito-client-id", "--no-cognito"),
    "AWS": ("--aws-region", "--aws-profile", "--aws-endpoint-url"),
    "Fleet": ("--inventory", "--targets", "--tag", "--shard", "--concurrency"),
    "Rules and gate": ("--rules", "--skip-rules", "--rules-dir", "--fail-on", "--fail-on-new", "--suppressions",
                       "--no-suppressions", "--baseline"),
    "Output": ("--format", "--output-dir", "--name"),
    "TLS and probe safety": ("--ca-bundle", "--insecure", "--lockout-window", "--state-dir"),
    "Configuration files": ("--om-config", "--env-file", "--compose-file", "--helm-values", "--k8s",
                            "--terraform-plan", "--terraform", "--var-file", "--cloudformation", "--dir"),
}


def _assign_panels(aliases: dict[str, Any]) -> None:
    """Set each shared option's panel from PANELS, so the option definitions above stay one line each.
    A flag shows no value placeholder (typer would print `<bool>`, as if it took one)."""
    panel_of = {name: panel for panel, names in PANELS.items() for name in names}
    for alias in aliases.values():
        for info in getattr(alias, "__metadata__", ()):
            if getattr(alias, "__origin__", None) is bool and hasattr(info, "metavar"):
                info.metavar = ""
            # Inside Annotated, typer takes the first positional argument (`default`) as the first name.
            names = (getattr(info, "default", None), *(getattr(info, "param_decls", None) or ()))
            panel = next((panel_of[n] for n in names if isinstance(n, str) and n in panel_of), None)
            if panel is not None:
                info.rich_help_panel = panel


_assign_panels(dict(globals()))

