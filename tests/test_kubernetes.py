"""Kubernetes manifests (issue 22): the OpenMetadata server container's environment, with the ConfigMaps
and Secrets it references in the same tree, judged as the image's own openmetadata.yaml resolved
against it (as a compose file's environment is).

Kubernetes' rules asserted (kubernetes.io/docs/tasks/inject-data-application/define-environment-
variable-container, .../configure-pod-container/configure-pod-configmap): envFrom sources, then env
over them; valueFrom secretKeyRef and configMapKeyRef by name; a Secret's data is base64.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, run_cli_in_process

K8S = DATA / "files" / "k8s"


def _scan(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    out = tmp_path / "out"
    result = run_cli_in_process("scan", *args, "-f", "json", "-o", str(out), cwd=tmp_path)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").is_file() else {}
    return result.code, report, result.stderr


def _finding(report: dict[str, Any], rule: str) -> dict[str, Any]:
    [found] = [f for f in report["findings"] if f["rule_id"] == rule]
    return dict(found)


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "manifests"
    shutil.copytree(K8S, tree)
    return tree


def test_a_secret_in_the_tree_is_judged_by_its_value_at_its_line(tmp_path: Path) -> None:
    """FERNET_KEY comes from secretKeyRef om-secrets/fernet, whose base64 data is the shipped key: a
    FAIL at the Secret's line, as the issue asks (a secretRef no longer passes OMA501)."""
    tree = _tree(tmp_path)
    code, report, _ = _scan(tmp_path, "--dir", str(tree))
    assert code == 1
    fernet = _finding(report, "OMA501")
    assert (fernet["status"], fernet["location"]) == ("FAIL", {"file": "config.yaml", "line": 16})
    admins = _finding(report, "OMA503")  # env value, at its env entry
    assert (admins["status"], admins["location"]) == ("FAIL", {"file": "deployment.yaml", "line": 21})
    assert _finding(report, "OMA103")["status"] == "PASS"  # provider aws-cognito from the ConfigMap (envFrom)
    assert _finding(report, "OMA108")["status"] == "PASS"  # self-signup "false" from the ConfigMap


def test_a_reference_that_does_not_resolve_is_unknown_not_unset(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    code, report, _ = _scan(tmp_path, "--k8s", str(tree / "deployment.yaml"))  # without the ConfigMap and Secret
    fernet = _finding(report, "OMA501")
    assert fernet["status"] == "PASS" and "reference" in fernet["message"]  # set by reference: never "shipped"
    # envFrom om-config is not among the manifests: what it may set (the provider) is unknown, not the
    # image's default; the env entry set after it (the admin list) is still judged
    assert _finding(report, "OMA103")["status"] == "SKIPPED"
    assert _finding(report, "OMA503")["status"] == "FAIL"
    assert code == 1


def test_secret_values_appear_in_no_output(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    canary = "k8s-canary-fernet-value-0123456789abcdef"
    secret = (tree / "config.yaml").read_text().replace(
        "akovOXN6MGcwT0h4c2Z4T29TZmRGZG1rM3lzTm1QUm5IM1RVQWJ6M0lIQT0=", base64.b64encode(canary.encode()).decode())
    (tree / "config.yaml").write_text(secret)
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "table,json,sarif,junit,markdown,html,csv",
                                "-o", str(out), cwd=tmp_path)
    assert result.code == 1
    texts = [p.read_text() for p in out.iterdir()]
    assert len(texts) == 7
    assert all(canary not in t and canary[:12] not in t for t in [*texts, result.stdout, result.stderr])


def test_manifests_of_other_applications_are_skipped_not_judged(tmp_path: Path) -> None:
    tree = tmp_path / "other"
    tree.mkdir()
    (tree / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  A: b\n")
    result = run_cli_in_process("scan", "--dir", str(tree), cwd=tmp_path)
    assert result.code == 2
    assert "no configuration file to scan" in result.stderr
    assert "skipped cm.yaml: Kubernetes objects, and no manifest under --dir runs OpenMetadata's server" \
        in result.stderr


def test_a_secret_that_is_not_base64_is_one_line_and_exit_2(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    text = (tree / "config.yaml").read_text().replace("fernet: akov", "fernet: '!!not base64'  # akov")
    (tree / "config.yaml").write_text(text)
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and report == {}
    assert "Kubernetes manifest config.yaml: Secret om-secrets data fernet is not base64 of UTF-8 text (line 16)" \
        in stderr
    assert "Traceback" not in stderr and stderr.count("omaudit: error:") == 1


REAL = DATA / "real" / "k8s"


def test_an_argo_cd_application_of_the_chart_is_judged_as_helm_values(tmp_path: Path) -> None:
    """stackabletech/openmetadata-dbt-demo: the chart 1.12.1 through an Argo CD Application's
    valuesObject. Read before running: provider custom-oidc and initialAdmins [demo-admin] are set (OMA103
    and OMA503 PASS); no Fernet key and no JWT settings, so the chart's defaults ship (OMA501, OMA502);
    callbackUrl is http:// (OMA107); enableSelfSignup is left to the chart's true (OMA108)."""
    code, report, _ = _scan(tmp_path, "--dir", str(REAL / "stackabletech-openmetadata-dbt-demo"))
    assert code == 1
    app = "platform/applications/openmetadata.yaml"
    failing = {(f["rule_id"], f["location"]["file"], f["location"]["line"]) for f in report["findings"]
               if f["status"] == "FAIL"}
    assert failing == {("OMA501", app, 22), ("OMA502", app, 22), ("OMA107", app, 68), ("OMA108", app, 62)}
    assert _finding(report, "OMA103")["status"] == "PASS" and _finding(report, "OMA503")["status"] == "PASS"


def test_an_envfrom_secret_outside_the_tree_leaves_what_it_may_set_unknown(tmp_path: Path) -> None:
    """Yzero12138/OpenMetadata deploy/hospital/k8s: an in-house image (hospital-openmetadata), settings
    from a ConfigMap and then a Secret made by a script (not in the tree): Kubernetes lets the later
    source win, so every setting is unknown, never the image's default (FERNET_KEY is in that Secret)."""
    code, report, _ = _scan(tmp_path, "--dir", str(REAL / "yzero-openmetadata-hospital"))
    assert code == 0
    assert [f["rule_id"] for f in report["findings"] if f["status"] == "FAIL"] == []
    assert _finding(report, "OMA503")["status"] == "SKIPPED"
    assert "AUTHORIZER_ADMIN_PRINCIPALS" in _finding(report, "OMA503")["message"]
    assert any("envFrom Secret hospital-openmetadata-runtime is not among the manifests given" in n
               for n in report["notes"])


KUSTOMIZE = DATA / "files" / "kustomize"


def test_each_kustomize_overlay_is_rendered_and_judged_alone(tmp_path: Path) -> None:
    """base/ (a Deployment, a ConfigMap generator with provider basic, a Secret generator) and two
    overlays: prod merges provider aws-cognito, replaces the Secret with the shipped Fernet key, and
    patches in an admin list; dev patches in `[admin]` inline. Each finding points at the line that
    sets its value: the generator literal, the patch file, the inline patch."""
    tree = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, tree)
    code, report, _ = _scan(tmp_path, "--dir", str(tree))
    assert code == 1
    assert [t["name"] for t in report["targets"]] == ["overlays/dev", "overlays/prod"]
    got = {(f["target"], f["rule_id"]): (f["status"], f["location"]["file"], f["location"]["line"])
           for f in report["findings"] if f["rule_id"] in ("OMA103", "OMA501", "OMA503")}
    assert got == {
        ("overlays/dev", "OMA103"): ("FAIL", "base/kustomization.yaml", 6),
        ("overlays/dev", "OMA501"): ("PASS", "base/kustomization.yaml", 10),
        ("overlays/dev", "OMA503"): ("FAIL", "overlays/dev/kustomization.yaml", 15),
        ("overlays/prod", "OMA103"): ("PASS", "overlays/prod/kustomization.yaml", 10),
        ("overlays/prod", "OMA501"): ("FAIL", "overlays/prod/kustomization.yaml", 15),
        ("overlays/prod", "OMA503"): ("PASS", "overlays/prod/env-patch.yaml", 11),
    }


def test_a_kustomize_cycle_is_one_line_and_exit_2(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, tree)
    (tree / "base" / "kustomization.yaml").write_text("resources:\n  - ../overlays/dev\n  - deployment.yaml\n")
    result = run_cli_in_process("scan", "--k8s", str(tree / "overlays" / "dev" / "kustomization.yaml"),
                                cwd=tree)
    assert result.code == 2 and "a cycle of kustomizations" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("omaudit: error:") == 1


_MULTI_SOURCE = """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: openmetadata
spec:
  sources:
    - repoURL: https://helm.open-metadata.org
      chart: openmetadata
      targetRevision: 1.12.1
      helm:
        valueFiles:
          - $values/envs/prod/values.yaml
    - repoURL: https://git.example.com/apps.git
      ref: values
"""


def _multi_source_tree(tmp_path: Path, app: str = _MULTI_SOURCE) -> Path:
    tree = tmp_path / "apps"
    (tree / "envs" / "prod").mkdir(parents=True, exist_ok=True)
    (tree / "envs" / "prod" / "values.yaml").write_text(
        "openmetadata:\n  config:\n    authorizer:\n      initialAdmins: [admin]\n"
        "    authentication:\n      provider: aws-cognito\n")
    (tree / "app.yaml").write_text(app)
    return tree


def test_an_application_reads_its_value_files_from_the_checkout_the_operator_names(tmp_path: Path) -> None:
    """`$values/envs/prod/values.yaml` is a file of the ref source's repository at its revision: read
    from the tree (in order, before valuesObject) only when --repo-url and --repo-revision say the tree
    is that repository (nothing in the tree can say so), else every OpenMetadata setting is unknown."""
    tree = _multi_source_tree(tmp_path)
    code, report, _ = _scan(tmp_path, "--dir", str(tree))
    admins = _finding(report, "OMA503")
    assert (code, admins["status"]) == (3, "SKIPPED")
    assert "which --repo-url and --repo-revision do not name as the scanned checkout" in admins["message"]
    for url in ("https://git.example.com/apps", "git@git.example.com:apps.git", "HTTPS://GIT.example.com/apps/",
                "ssh://git@git.example.com:22/apps"):
        code, report, _ = _scan(tmp_path, "--dir", str(tree), "--repo-url", url)
        admins = _finding(report, "OMA503")
        assert (code, admins["status"], admins["location"]) == (1, "FAIL", {"file": "envs/prod/values.yaml",
                                                                            "line": 4}), url
        assert _finding(report, "OMA103")["status"] == "PASS"
    # another server (a port), another path (case kept), or not git at all: not the checkout
    for url in ("https://git.example.com:8443/apps", "https://git.example.com/Apps"):
        code, report, _ = _scan(tmp_path, "--dir", str(tree), "--repo-url", url)
        assert (code, _finding(report, "OMA503")["status"]) == (3, "SKIPPED"), url
    refused = run_cli_in_process("scan", "--dir", str(tree), "--repo-url", "oci://git.example.com/apps", cwd=tmp_path)
    assert refused.code == 2 and "is not a git repository URL" in refused.stderr
    pinned = _MULTI_SOURCE.replace("      ref: values", "      targetRevision: v1.0\n      ref: values")
    (tree / "app.yaml").write_text(pinned)
    code, report, _ = _scan(tmp_path, "--dir", str(tree), "--repo-url", "https://git.example.com/apps.git")
    assert (code, _finding(report, "OMA503")["status"]) == (3, "SKIPPED")  # v1.0 is not this checkout
    code, report, _ = _scan(tmp_path, "--dir", str(tree), "--repo-url", "https://git.example.com/apps.git",
                            "--repo-revision", "v1.0")
    assert (code, _finding(report, "OMA503")["status"]) == (1, "FAIL")


def test_a_ref_to_another_repository_is_never_read_from_the_tree(tmp_path: Path) -> None:
    """An attack: the ref names the chart repository, which lacks the file, and ignoreMissingValueFiles
    makes Argo CD skip it; the pull request adds a hardened file at that path. Argo CD deploys the
    chart's defaults, so the file is unknown here, never judged (the gate was green: rc 0)."""
    attack = _MULTI_SOURCE.replace("https://git.example.com/apps.git",
                                   "https://github.com/open-metadata/openmetadata-helm-charts.git").replace(
        "      helm:\n", "      helm:\n        ignoreMissingValueFiles: true\n")
    tree = _multi_source_tree(tmp_path, attack)
    (tree / "envs" / "prod" / "values.yaml").write_text(
        "openmetadata:\n  config:\n    authorizer:\n      initialAdmins: [alice]\n")
    code, report, _ = _scan(tmp_path, "--dir", str(tree), "--repo-url", "https://git.example.com/apps.git")
    admins = _finding(report, "OMA503")
    assert (code, admins["status"]) == (3, "SKIPPED")
    assert "openmetadata-helm-charts.git at HEAD" in admins["message"]
    assert admins["undecided"] is True  # what --fail-on-unknown holds a gate on


@pytest.mark.parametrize(("entry", "status", "says"), [
    # the chart's own values.yaml: its defaults, which are layered anyway ([admin])
    ("values.yaml", "FAIL", "valueFiles values.yaml is the chart's own values.yaml"),
    ("./values.yaml", "FAIL", "valueFiles ./values.yaml is the chart's own values.yaml"),
    # any other file of the chart's package may set anything
    ("values-prod.yaml", "SKIPPED", "valueFiles values-prod.yaml: a file of the chart's package: not read"),
    ("https://example.com/v.yaml", "SKIPPED", "a remote file: not read"),
    # no source has ref `nothere`: Argo CD substitutes the whole entry ($nothere is "") in the chart's source
    ("$nothere/v.yaml", "SKIPPED", "valueFiles $nothere/v.yaml: a file of the chart's package: not read"),
    # a file of this checkout that is missing, skipped by Argo CD as told
    ("$values/envs/missing.yaml", "FAIL", "is missing and skipped (ignoreMissingValueFiles)"),
])
def test_value_files_argo_cd_resolves_elsewhere(tmp_path: Path, entry: str, status: str, says: str) -> None:
    app = _MULTI_SOURCE.replace("          - $values/envs/prod/values.yaml\n", f"          - {entry}\n").replace(
        "      helm:\n", "      helm:\n        ignoreMissingValueFiles: true\n")
    tree = _multi_source_tree(tmp_path, app)
    (tree / "values-prod.yaml").write_text("openmetadata: {config: {authorizer: {initialAdmins: [alice]}}}\n")
    code, report, _ = _scan(tmp_path, "--k8s", str(tree / "app.yaml"), "--name", "apps", "--repo-url",
                            "https://git.example.com/apps.git")
    assert _finding(report, "OMA503")["status"] == status
    assert code == (1 if status == "FAIL" else 3)
    assert any(says in n for n in report["notes"]), report["notes"]


def test_repo_options_are_checked(tmp_path: Path) -> None:
    tree = _multi_source_tree(tmp_path)
    for args, says in ((["--repo-revision", "main"], "--repo-revision needs --repo-url"),
                       (["--repo-url", "not a url"], "is not a git repository URL")):
        result = run_cli_in_process("scan", "--dir", str(tree), *args, cwd=tmp_path)
        assert result.code == 2 and says in result.stderr


_DEV_HEAD = "resources:\n  - ../../base\n"


@pytest.mark.parametrize(("extra", "says"), [
    ("patchesJson6902:\n  - path: p.yaml\n    target: {kind: Deployment, name: openmetadata}\n",
     "patchesJson6902 is not rendered by omaudit"),
    ("transformers:\n  - t.yaml\n", "transformers is not rendered by omaudit"),
    ("patches:\n  - target: {kind: Deployment, labelSelector: app=om}\n    patch: '[]'\n",
     "selects by label, annotation or pattern"),
    ("patches:\n  - target: {kind: Deployment, name: 'open.*'}\n    patch: '[]'\n",
     "selects by label, annotation or pattern"),
    ("images: ghcr.io/x\n", "images: a list was expected"),
])
def test_a_kustomization_omaudit_cannot_render_faithfully_is_refused(tmp_path: Path, extra: str, says: str) -> None:
    """Kustomize features whose effect omaudit does not reproduce (JSON 6902 files, transformers,
    selectors by label or regex) could change the settings judged: the scan refuses, exit 2, one
    line naming the kustomization, never a verdict on half-rendered manifests."""
    tree = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, tree)
    (tree / "overlays" / "dev" / "kustomization.yaml").write_text(_DEV_HEAD + extra)
    result = run_cli_in_process("scan", "--k8s", str(tree / "overlays" / "dev" / "kustomization.yaml"), cwd=tree)
    assert result.code == 2, result.stderr
    assert says in result.stderr and "overlays/dev/kustomization.yaml" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("omaudit: error:") == 1


def test_a_resource_listed_twice_is_refused_as_kustomize_refuses_it(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, tree)
    (tree / "overlays" / "dev" / "kustomization.yaml").write_text(_DEV_HEAD + "  - ../../base\n")
    result = run_cli_in_process("scan", "--k8s", str(tree / "overlays" / "dev" / "kustomization.yaml"), cwd=tree)
    assert result.code == 2 and "lists ../../base twice" in result.stderr


def test_a_patch_replacing_a_whole_map_is_refused(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, tree)
    (tree / "overlays" / "dev" / "kustomization.yaml").write_text(
        _DEV_HEAD + "patchesStrategicMerge:\n  - |-\n    apiVersion: apps/v1\n    kind: Deployment\n"
        "    metadata:\n      name: openmetadata\n    spec:\n      template:\n        $patch: replace\n"
        "        spec: {containers: []}\n")
    result = run_cli_in_process("scan", "--k8s", str(tree / "overlays" / "dev" / "kustomization.yaml"), cwd=tree)
    assert result.code == 2 and "`$patch: replace` on a map" in result.stderr


def test_a_generator_literal_loses_its_quotes_as_in_kustomize(tmp_path: Path) -> None:
    """`AUTHORIZER_ADMIN_PRINCIPALS="[admin]"` in a literal is `[admin]` once kustomize renders it
    (api/kv: quotes around the value are removed), so OMA503 FAILs on the literal's line."""
    tree = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, tree)
    (tree / "overlays" / "dev" / "kustomization.yaml").write_text(
        _DEV_HEAD + "configMapGenerator:\n  - name: om-config\n    behavior: merge\n    literals:\n"
        "      - 'AUTHORIZER_ADMIN_PRINCIPALS=\"[admin]\"'\n")
    code, report, _ = _scan(tmp_path, "--k8s", str(tree / "overlays" / "dev" / "kustomization.yaml"))
    finding = _finding(report, "OMA503")
    assert code == 1
    assert (finding["status"], finding["location"]["file"], finding["location"]["line"]) == (
        "FAIL", "repo/overlays/dev/kustomization.yaml", 7)


def _workload(name: str, admins: str, *, kind: str = "Deployment", image: str = "openmetadata/server:1.6.2",
              extra_env: str = "") -> str:
    """A server workload whose only judged difference is its admin list (OMA503: `[admin]` FAILs)."""
    pod = ("spec:\n  template:\n    spec:\n" if kind != "Pod" else "spec:\n")
    pad = "      " if kind != "Pod" else "  "
    return (f"apiVersion: {'argoproj.io/v1alpha1' if kind == 'Rollout' else 'apps/v1'}\nkind: {kind}\n"
            f"metadata:\n  name: {name}\n{pod}"
            f"{pad}containers:\n{pad}  - name: server\n{pad}    image: {image}\n{pad}    env:\n"
            f"{pad}      - name: AUTHORIZER_ADMIN_PRINCIPALS\n{pad}        value: \"{admins}\"\n{extra_env}")


def _verdicts(report: dict[str, Any], rule: str = "OMA503") -> dict[str, str]:
    return {f["target"]: f["status"] for f in report["findings"] if f["rule_id"] == rule}


@pytest.mark.parametrize(("decoy", "real"), [
    (_workload("om-decoy", "[alice]"), _workload("om-prod", "[admin]")),
    (_workload("om-decoy", "[alice]"), _workload("om-prod", "[admin]", image="registry.acme.io/acme-openmetadata:1")),
    (_workload("om-decoy", "[alice]"), _workload("om-prod", "[admin]", kind="Rollout")),
    (_workload("om-decoy", "[alice]"), _workload("om-prod", "[admin]", kind="DaemonSet")),
    (_workload("om-decoy", "[alice]"), "apiVersion: v1\nkind: List\nitems:\n"
     + "".join(f"  {line}\n" if n else f"- {line}\n" for n, line in enumerate(
         _workload("om-prod", "[admin]").splitlines()))),
])
def test_every_server_workload_is_its_own_target_so_a_decoy_hides_nothing(tmp_path: Path, decoy: str,
                                                                           real: str) -> None:
    """A strong decoy beside a weak server (another Deployment, an in-house image, an Argo Rollout, a
    DaemonSet, a `kind: List`): both are judged, each alone, and the gate fails on the weak one."""
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "a-decoy.yaml").write_text(decoy)
    (tree / "b-prod.yaml").write_text(real)
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    kind = "Rollout" if "Rollout" in real else "DaemonSet" if "DaemonSet" in real else "Deployment"
    assert _verdicts(report) == {"Deployment om-decoy": "PASS", f"{kind} om-prod": "FAIL"}, stderr
    assert code == 1


def _application(name: str, admins: str, *, source: str = "source") -> str:
    return (f"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\nspec:\n"
            f"  {source}:\n    {'- ' if source == 'sources' else ''}repoURL: https://helm.open-metadata.org\n"
            f"    {'  ' if source == 'sources' else ''}chart: openmetadata\n"
            f"    {'  ' if source == 'sources' else ''}targetRevision: 1.6.2\n"
            f"    {'  ' if source == 'sources' else ''}helm:\n"
            f"    {'  ' if source == 'sources' else ''}  valuesObject:\n"
            f"    {'  ' if source == 'sources' else ''}    openmetadata:\n"
            f"    {'  ' if source == 'sources' else ''}      config:\n"
            f"    {'  ' if source == 'sources' else ''}        authorizer:\n"
            f"    {'  ' if source == 'sources' else ''}          initialAdmins: {admins}\n")


def test_applications_and_workloads_are_each_judged(tmp_path: Path) -> None:
    """A strong Deployment, a strong Application and a weak one: three targets (an Application was
    dropped whenever a server Deployment existed, and only the first Application was read)."""
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "decoy.yaml").write_text(_workload("om-decoy", "[alice]"))
    (tree / "a-app.yaml").write_text(_application("om-staging", "[alice]"))
    (tree / "b-app.yaml").write_text(_application("om-prod", "[admin]"))
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert _verdicts(report) == {"Deployment om-decoy": "PASS", "Application om-staging": "PASS",
                                 "Application om-prod": "FAIL"}, stderr
    assert code == 1


def test_argo_reads_sources_not_source_and_values_object_not_values(tmp_path: Path) -> None:
    """Argo CD ignores `source` when `sources` is set, and `values` when `valuesObject` is set: the
    ignored fields hold the strong settings, so OMA503 FAILs on what Argo CD deploys."""
    tree = tmp_path / "repo"
    tree.mkdir()
    app = _application("om", "[admin]", source="sources") + (
        "  source:\n    repoURL: https://helm.open-metadata.org\n    chart: openmetadata\n    helm:\n"
        "      valuesObject: {openmetadata: {config: {authorizer: {initialAdmins: [alice]}}}}\n")
    (tree / "app.yaml").write_text(app)
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert (code, _finding(report, "OMA503")["status"]) == (1, "FAIL"), stderr
    values_first = _application("om", "[admin]").replace(
        "    helm:\n",
        "    helm:\n      values: |\n        openmetadata: {config: {authorizer: {initialAdmins: [alice]}}}\n")
    (tree / "app.yaml").write_text(values_first)
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert (code, _finding(report, "OMA503")["status"]) == (1, "FAIL"), stderr


def test_argo_parameters_index_into_lists_as_helm_set_does(tmp_path: Path) -> None:
    """`initialAdmins[0]=admin` over `[alice, bob]` is `[admin, bob]` in Helm (strvals), not a key
    named `initialAdmins[0]`."""
    tree = tmp_path / "repo"
    tree.mkdir()
    app = _application("om", "[alice, bob]") + (
        "      parameters:\n        - name: openmetadata.config.authorizer.initialAdmins[0]\n"
        "          value: admin\n")
    (tree / "app.yaml").write_text(app)
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    finding = _finding(report, "OMA503")
    assert (code, finding["status"], finding["location"]["line"]) == (1, "FAIL", 17), stderr


def test_a_manifest_beside_a_kustomization_is_still_judged(tmp_path: Path) -> None:
    """A kustomize overlay (strong enough for OMA503) and a plain weak Deployment no kustomization
    renders: both are deployments, each judged."""
    tree = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, tree)
    shutil.rmtree(tree / "overlays" / "dev")
    (tree / "legacy.yaml").write_text(_workload("om-legacy", "[admin]"))
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert _verdicts(report) == {"overlays/prod": "PASS", "Deployment om-legacy": "FAIL"}, stderr
    assert code == 1


@pytest.mark.parametrize(("env", "status"), [
    # value "" beside valueFrom: the kubelet takes valueFrom (the ConfigMap's [admin])
    ("      - name: AUTHORIZER_ADMIN_PRINCIPALS\n        value: \"\"\n        valueFrom:\n"
     "          configMapKeyRef: {name: om-env, key: ADMINS}\n", "FAIL"),
    # $(VAR): an earlier variable's value
    ("      - name: WHO\n        value: admin\n      - name: AUTHORIZER_ADMIN_PRINCIPALS\n"
     "        value: \"[$(WHO)]\"\n", "FAIL"),
    # $$(VAR) is a literal
    ("      - name: WHO\n        value: admin\n      - name: AUTHORIZER_ADMIN_PRINCIPALS\n"
     "        value: \"[$$(WHO)]\"\n", "PASS"),
    # a key the ConfigMap in the tree does not hold: not set, so the earlier envFrom's value stands
    ("      - name: AUTHORIZER_ADMIN_PRINCIPALS\n        valueFrom:\n"
     "          configMapKeyRef: {name: om-env, key: NOT_THERE, optional: true}\n", "FAIL"),
])
def test_the_kubelets_rules_for_env_values(tmp_path: Path, env: str, status: str) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: om-env\ndata:\n"
                                  "  ADMINS: \"[admin]\"\n  AUTHORIZER_ADMIN_PRINCIPALS: \"[admin]\"\n")
    (tree / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: om\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: server\n          image: openmetadata/server:1.6.2\n"
        "          envFrom:\n            - configMapRef: {name: om-env}\n          env:\n"
        + "".join("      " + line + "\n" for line in env.splitlines()))
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert _finding(report, "OMA503")["status"] == status, stderr
    assert code == 1  # the image's other defaults (Fernet key) fail either way


def test_a_config_map_defined_twice_differently_is_refused(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    (tree / "z-dup.yaml").write_text((tree / "config.yaml").read_text().split("---")[0].replace(
        "aws-cognito", "basic"))
    code, _, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and "ConfigMap om-config is defined more than once with different data" in stderr


def test_a_yaml_tag_in_a_manifest_is_refused_not_judged_as_text(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "deploy.yaml").write_text(_workload("om", "[alice]").replace('value: "[alice]"', "value: !x basic"))
    code, _, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and "deploy.yaml:13: a YAML tag (!x)" in stderr, stderr


def test_a_mounted_openmetadata_yaml_is_refused_not_replaced_by_the_images(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "deploy.yaml").write_text(_workload("om", "[alice]") + (
        "          volumeMounts:\n            - name: conf\n"
        "              mountPath: /opt/openmetadata/conf/openmetadata.yaml\n"
        "              subPath: openmetadata.yaml\n"))
    code, _, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and "deploy.yaml:15: Deployment om mounts its own configuration" in stderr, stderr


def test_a_kustomization_file_named_capital_kustomization_is_found(tmp_path: Path) -> None:
    """kustomize reads `Kustomization` as well as kustomization.yaml (api/konfig: RecognizedKustomizationFileNames)."""
    tree = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, tree)
    shutil.rmtree(tree / "overlays" / "dev")
    (tree / "overlays" / "prod" / "kustomization.yaml").rename(tree / "overlays" / "prod" / "Kustomization")
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert [t["name"] for t in report["targets"]] == ["files"], stderr
    assert any("overlays/prod/Kustomization: rendered as a kustomize overlay" in n for n in report["notes"])
    assert code == 1


@pytest.mark.parametrize(("reference", "fernet", "signup"), [
    # `optional: true` only lets the pod start without the source; one that is not in the tree may still
    # be in the cluster, so what it may set stays unknown (chosen: absence from a checkout proves nothing).
    # Self sign-up is then SKIPPED; the Fernet key is a value passed by reference, which OMA501's
    # documentation asks for (PASS: first decided SKIPPED, corrected on reading the rule's docs).
    ("            - secretRef:\n                name: from-the-cluster\n                optional: true\n",
     "PASS", "SKIPPED"),
    # In the tree, but without the key: the variable is not set (optional: true), so the image's
    # default applies: the shipped Fernet key; sign-up is the ConfigMap's "false".
    ("", "FAIL", "PASS"),
])
def test_an_optional_reference_is_unknown_only_when_its_source_is_not_in_the_tree(reference: str, fernet: str,
                                                                                 signup: str,
                                                                                 tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    text = (tree / "deployment.yaml").read_text()
    text = text.replace("                name: om-config\n", "                name: om-config\n" + reference)
    text = text.replace("                  key: fernet\n", "                  key: no-such-key\n"
                        "                  optional: true\n")
    (tree / "deployment.yaml").write_text(text)
    _code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert (_finding(report, "OMA501")["status"], _finding(report, "OMA108")["status"]) == (fernet, signup), stderr


_APPSET = """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: openmetadata
spec:
  {go}generators:
    - list:
        elements:
          - env: staging
            admin: alice
          - env: prod
            admin: admin
  template:
    metadata:
      name: 'om-{{{{{dot}env}}}}'
    spec:
      source:
        repoURL: https://helm.open-metadata.org
        chart: openmetadata
        targetRevision: 1.6.2
        helm:
          valuesObject:
            openmetadata:
              config:
                authorizer:
                  initialAdmins: ['{{{{{dot}admin}}}}']
"""


@pytest.mark.parametrize("go", [False, True])
def test_an_application_set_is_judged_per_generated_application(tmp_path: Path, go: bool) -> None:
    """The ApplicationSet controller makes one Application per element of a list generator (the fifth
    attack moved a weak Application into one, and the gate judged only a decoy: rc 0)."""
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "appset.yaml").write_text(_APPSET.format(go="goTemplate: true\n  " if go else "", dot="." if go else ""))
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert _verdicts(report) == {"Application om-staging": "PASS", "Application om-prod": "FAIL"}, stderr
    prod = next(f for f in report["findings"] if f["rule_id"] == "OMA503" and f["status"] == "FAIL")
    assert prod["location"] == {"file": "appset.yaml", "line": 26 + go}
    assert code == 1


def test_an_application_set_whose_generator_omaudit_does_not_run_is_unknown(tmp_path: Path) -> None:
    """A git or cluster generator's parameters come from outside the tree: what a placeholder decides
    is unknown, never judged as the literal text `{{admin}}`."""
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "appset.yaml").write_text(_APPSET.format(go="", dot="").replace(
        "    - list:\n        elements:\n          - env: staging\n            admin: alice\n"
        "          - env: prod\n            admin: admin\n",
        "    - git:\n        repoURL: https://git.example.com/envs.git\n        files: [{path: 'envs/*.json'}]\n"))
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    admins = _finding(report, "OMA503")
    assert (code, admins["status"]) == (3, "SKIPPED"), stderr
    assert "ApplicationSet openmetadata's template placeholders" in admins["message"]


# ---- a sixth attack on the Argo CD reader (/work/review-stop32.md): what Argo CD renders, not as written --------

@pytest.mark.parametrize(("value", "status", "says"), [
    # Argo CD's repo server substitutes its build environment in parameter values (os.Expand: "" for a
    # name it does not set): this is the shipped list [admin], never a custom "admin${X}"
    ("admin${OM_ADMIN_SUFFIX}", "FAIL", "admin"),
    ("admin$OM_ADMIN_SUFFIX", "FAIL", "admin"),
    ("$ARGOCD_APP_NAME", "PASS", "om"),  # the application's own name: known
    ("admin-${ARGOCD_APP_REVISION}", "SKIPPED", "completed from Argo CD's build environment"),
    ("admin$$", "SKIPPED", "completed from Argo CD's build environment"),  # a form omaudit does not parse
])
def test_parameters_are_read_as_argo_cd_substitutes_them(tmp_path: Path, value: str, status: str,
                                                         says: str) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    app = _application("om", "[alice]") + (
        f"      parameters:\n        - name: openmetadata.config.authorizer.initialAdmins[0]\n"
        f"          value: '{value}'\n")
    (tree / "app.yaml").write_text(app)
    _, report, stderr = _scan(tmp_path, "--dir", str(tree))
    admins = _finding(report, "OMA503")
    assert admins["status"] == status, stderr
    assert says in admins["message"] or says in str(admins["evidence"])


def _appset_with(tmp_path: Path, text: str) -> dict[str, Any]:
    tree = tmp_path / "repo"
    tree.mkdir(exist_ok=True)
    (tree / "appset.yaml").write_text(text)
    _, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert report, stderr
    return report


_PLAIN_APPSET = _APPSET.format(go="", dot="")


def test_what_an_application_set_changes_after_its_template_is_unknown(tmp_path: Path) -> None:
    """Argo CD applies a templatePatch after rendering, and merges a generator's own template over
    spec.template: the hardened template is not what deploys (the attack's patch only set
    `valuesObject: null`, and never spelt "openmetadata")."""
    patched = _PLAIN_APPSET.replace("  template:\n", "  templatePatch: |\n    spec:\n      source:\n        helm:\n"
                                                   "          valuesObject: null\n  template:\n")
    report = _appset_with(tmp_path, patched)
    assert {f["status"] for f in report["findings"] if f["rule_id"] == "OMA503"} == {"SKIPPED"}
    assert "ApplicationSet openmetadata: its templatePatch, which omaudit does not render" in \
        _verdict_messages(report)
    own = _PLAIN_APPSET.replace("    - list:\n", "    - list:\n        template:\n          spec:\n"
                                               "            source:\n              helm:\n"
                                               "                valuesObject: {image: {pullPolicy: Always}}\n")
    report = _appset_with(tmp_path, own)
    assert "ApplicationSet openmetadata: a generator's own template, which omaudit does not render" in \
        _verdict_messages(report)


def _verdict_messages(report: dict[str, Any]) -> str:
    return " ".join(f["message"] for f in report["findings"] if f["rule_id"] == "OMA503")


def test_elements_yaml_generates_applications_too(tmp_path: Path) -> None:
    """`elementsYaml` is a list generator's elements written as YAML (applicationset/generators/list.go):
    its Applications are judged (they vanished, and a hardened decoy beside them was all the gate saw)."""
    text = _PLAIN_APPSET.replace(
        "        elements:\n          - env: staging\n            admin: alice\n          - env: prod\n"
        "            admin: admin\n",
        "        elements: []\n        elementsYaml: |\n          - env: prod\n            admin: admin\n")
    report = _appset_with(tmp_path, text)
    assert _verdicts(report) == {"files": "FAIL"}  # one deployment: the scan's one target
    assert "Application om-prod" in " ".join(report["notes"])


@pytest.mark.parametrize("path", ["charts/openmetadata/.", "./charts//openmetadata/",
                                  "charts/openmetadata/templates/.."])
def test_a_chart_path_is_read_as_argo_cd_cleans_it(tmp_path: Path, path: str) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "app.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: canary\nspec:\n  source:\n"
        "    repoURL: https://github.com/open-metadata/openmetadata-helm-charts\n"
        f"    targetRevision: openmetadata-1.12.1\n    path: {path}\n")
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert (code, _verdicts(report)) == (1, {"files": "FAIL"}), stderr


@pytest.mark.parametrize(("extra", "says"), [
    ("      fileParameters:\n        - name: openmetadata.config.fernetkey.value\n          path: fernet.txt\n",
     "fileParameters (helm --set-file)"),
    ("", "charts/openmetadata/.argocd-source-om.yaml (Argo CD merges it over the source's parameters)"),
])
def test_what_argo_cd_merges_from_the_source_is_unknown(tmp_path: Path, extra: str, says: str) -> None:
    tree = tmp_path / "repo"
    (tree / "charts" / "openmetadata").mkdir(parents=True)
    (tree / "charts" / "openmetadata" / ".argocd-source-om.yaml").write_text(
        "helm:\n  parameters:\n    - name: openmetadata.config.authorizer.initialAdmins[0]\n      value: admin\n")
    if extra:
        (tree / "charts" / "openmetadata" / ".argocd-source-om.yaml").unlink()
    (tree / "app.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: om\nspec:\n  source:\n"
        "    repoURL: https://git.example.com/platform\n    path: charts/openmetadata\n    helm:\n"
        "      valuesObject: {openmetadata: {config: {authorizer: {initialAdmins: [alice]}}}}\n" + extra)
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    admins = _finding(report, "OMA503")
    assert (code, admins["status"]) == (3, "SKIPPED"), stderr
    assert says in admins["message"]


def test_a_chart_from_another_repository_is_named_in_every_report(tmp_path: Path) -> None:
    """The chart is known by its name; one from a fork or mirror is judged with the official chart's
    templates and defaults, which a note says (a fork could render the shipped key from its templates)."""
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "app.yaml").write_text(_application("om", "[alice]").replace("https://helm.open-metadata.org",
                                                                          "https://charts.example.com/mirror"))
    _, report, _ = _scan(tmp_path, "--dir", str(tree))
    assert "app.yaml: Application om: the openmetadata chart from 'https://charts.example.com/mirror' is judged as " \
           "OpenMetadata's own (helm.open-metadata.org): a fork or mirror whose templates differ is not what was " \
           "judged" in report["notes"]
    (tree / "app.yaml").write_text(_application("om", "[alice]"))
    _, report, _ = _scan(tmp_path, "--dir", str(tree))
    assert not any("is judged as OpenMetadata's own" in n for n in report["notes"])


# ---- an eleventh review (/work/review6-stop32.md): kustomize and the server container as the cluster runs them ----

def _prod(tmp_path: Path) -> Path:
    tree = tmp_path / "repo"
    shutil.copytree(KUSTOMIZE, tree)
    shutil.rmtree(tree / "overlays" / "dev")
    return tree


def test_a_patch_whose_target_names_another_group_patches_nothing(tmp_path: Path) -> None:
    """kustomize selects by group and version too: this patch ([alice]) is not applied to apps/v1's
    Deployment, so the base's admins stand (omaudit applied it, and passed)."""
    tree = _prod(tmp_path)
    kustomization = tree / "overlays" / "prod" / "kustomization.yaml"
    _, report, stderr = _scan(tmp_path, "--dir", str(tree))
    applied = _finding(report, "OMA503")["status"]
    kustomization.write_text(kustomization.read_text().replace(
        "  - path: env-patch.yaml\n",
        "  - path: env-patch.yaml\n    target: {group: batch, version: v1, kind: Deployment, name: openmetadata}\n"))
    shutil.rmtree(tmp_path / "out")
    _, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert (applied, _finding(report, "OMA503")["status"]) == ("PASS", "FAIL"), stderr


@pytest.mark.parametrize(("extra", "says"), [
    ("namePrefix: prod-\n", "namePrefix is not rendered by omaudit"),
    ("nameSuffix: -v2\n", "nameSuffix is not rendered by omaudit"),
])
def test_kustomize_renames_are_refused(tmp_path: Path, extra: str, says: str) -> None:
    tree = _prod(tmp_path)
    kustomization = tree / "overlays" / "prod" / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + extra)
    code, _, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and says in stderr


def test_a_json_patch_move_is_refused(tmp_path: Path) -> None:
    tree = _prod(tmp_path)
    kustomization = tree / "overlays" / "prod" / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("  - path: env-patch.yaml\n", (
        "  - path: env-patch.yaml\n  - target: {kind: Deployment, name: openmetadata}\n    patch: |-\n"
        "      - op: move\n        from: /spec/template/spec/containers/0/env\n"
        "        path: /spec/template/spec/containers/0/envCopy\n")))
    code, _, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and "JSON patch move" in stderr and "is not rendered by omaudit" in stderr


@pytest.mark.parametrize(("container", "says"), [
    ("          command: [sh, -c, 'export FERNET_KEY=x && exec ./openmetadata-start.sh']\n", "with its own command"),
    ("          args: ['export FERNET_KEY=x; ./start.sh']\n", "with its own args"),
    ("          volumeMounts:\n            - {name: s, mountPath: /opt/openmetadata/bin/openmetadata-server-start.sh,"
     " subPath: start.sh}\n", "over the image's start scripts"),
])
def test_what_changes_the_server_container_outside_its_settings_is_refused(tmp_path: Path, container: str,
                                                                             says: str) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "deploy.yaml").write_text(_workload("om", "[alice]").replace(
        "          image: openmetadata/server:1.6.2\n", "          image: openmetadata/server:1.6.2\n" + container))
    code, _, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and says in stderr, stderr


@pytest.mark.parametrize("value", ["-D'dw'.fernetConfiguration.fernetKey=x", "@/etc/om/java.opts"])
def test_jvm_options_are_read_as_the_jvm_reads_them(tmp_path: Path, value: str) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "deploy.yaml").write_text(_workload("om", "[alice]", extra_env=(
        f"            - name: JDK_JAVA_OPTIONS\n              value: \"{value}\"\n")))
    code, _, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and "system properties (-Ddw.) or an options file" in stderr


def test_a_config_map_in_another_namespace_is_not_the_workloads(tmp_path: Path) -> None:
    """A workload without a namespace is applied to the context's; a ConfigMap written in `other` is not
    known to be there: what it would set is unknown, never its value."""
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: om-env\n  namespace: other\n"
                                  "data:\n  AUTHORIZER_ADMIN_PRINCIPALS: \"[alice]\"\n")
    (tree / "deploy.yaml").write_text(_workload("om", "[admin]").replace(
        "          env:\n            - name: AUTHORIZER_ADMIN_PRINCIPALS\n              value: \"[admin]\"\n",
        "          envFrom:\n            - configMapRef: {name: om-env}\n"))
    _, report, stderr = _scan(tmp_path, "--dir", str(tree))
    admins = _finding(report, "OMA503")
    assert (admins["status"], admins.get("undecided")) == ("SKIPPED", True), stderr


def test_an_alias_in_openmetadata_yaml_is_refused(tmp_path: Path) -> None:
    tree = tmp_path / "conf"
    tree.mkdir()
    (tree / "openmetadata.yaml").write_text("clusterName: &admins alice\nauthorizerConfiguration:\n"
                                            "  adminPrincipals: [*admins]\n")
    code, _, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 2 and "line 3: a YAML alias" in stderr


def test_another_applications_renamed_overlay_is_not_refused(tmp_path: Path) -> None:
    """namePrefix is refused where it renames what the server reads, never in another application's
    overlay beside it (stackabletech/openmetadata-dbt-demo has an airflow one: a false refusal)."""
    tree = _prod(tmp_path)
    other = tree / "airflow"
    other.mkdir()
    (other / "kustomization.yaml").write_text("namePrefix: airflow-\nresources:\n  - job.yaml\n")
    (other / "job.yaml").write_text("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: init\nspec:\n"
                                    "  template:\n    spec:\n      containers:\n        - name: init\n"
                                    "          image: apache/airflow\n")
    code, report, stderr = _scan(tmp_path, "--dir", str(tree))
    assert code == 1 and _finding(report, "OMA503")["status"] == "PASS", stderr


def test_a_token_in_a_repository_url_appears_in_no_note(tmp_path: Path) -> None:
    """A mirror's URL with credentials: the note names the repository, never its token, not a fragment
    (cut to 40 characters, the token's head escaped the redaction of `user:pass@`)."""
    tree = tmp_path / "repo"
    tree.mkdir()
    token = "ghp_Zq8CanaryTokenForMirror77"
    (tree / "app.yaml").write_text(_application("om", "[alice]").replace(
        "https://helm.open-metadata.org", f"https://ci:{token}@charts.example.com/mirror"))
    _, report, stderr = _scan(tmp_path, "--dir", str(tree))
    printed = json.dumps(report) + stderr
    assert "charts.example.com/mirror" in printed
    assert token[:8] not in printed and "Zq8Canary" not in printed
