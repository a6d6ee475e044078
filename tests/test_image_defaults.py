"""Issue 21, "the server's own defaults per release": a compose project, a Kubernetes manifest or an env
file without openmetadata.yaml is judged with the image's own file, chosen by the image's tag
(auditor.sources.files.om_config.image_file). Expectations read from the embedded files before running:
the 1.1.1 file has no clientType and no oidcConfiguration (so AUTHENTICATION_CLIENT_TYPE and OIDC_* set
in the environment are read by nothing), the later file has both, with `disablePkce` true and the OIDC
callback `http://localhost:8585/callback` by default."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from auditor.sources.files.om_config import IMAGE_FILES, image_file
from auditor.sources.files.om_settings import SECRETS, SETTINGS
from tests.conftest import DATA, run_cli_in_process

OLD, NEW = IMAGE_FILES[0][1], IMAGE_FILES[-1][1]


@pytest.mark.parametrize(("image", "path", "why"), [
    ("docker.getcollate.io/openmetadata/server:1.1.1", OLD, "image tag 1.1.1"),
    ("openmetadata/server:1.2.3", OLD, "image tag 1.2.3"),
    ("openmetadata/server:1.3.0", NEW, "image tag 1.3.0"),
    ("docker.getcollate.io/openmetadata/server:1.13.1", NEW, "image tag 1.13.1"),
    ("localhost:5000/openmetadata/server:1.2.0", OLD, "image tag 1.2.0"),
    ("localhost:5000/openmetadata/server", NEW, "an image without a tag names no release"),  # a port, not a tag
    ("openmetadata/server:latest", NEW, "image tag 'latest' names no release"),
    ("openmetadata/server@sha256:" + "ab" * 32, NEW, "an image pinned by digest names no release"),
    # The digest runs, not the tag (an attack chose the older file this way, and its findings vanished).
    ("openmetadata/server:1.1.1@sha256:" + "ab" * 32, NEW, "an image pinned by digest names no release"),
    (None, NEW, "no image names no release"),
])
def test_the_image_tag_chooses_the_image_s_openmetadata_yaml(image: str | None, path: Path, why: str) -> None:
    chosen = image_file(image)
    assert chosen.path == path
    assert chosen.why.startswith(why)


def _defaults(text: str) -> dict[str, str]:
    return {m[1]: m[2] for m in re.finditer(r"\$\{([A-Z0-9_]+):-([^}\n]*)\}", text)}


@pytest.mark.parametrize(("embedded", "compose"), [
    (OLD, "openmetadata-1.1.1-quickstart-docker-compose.yml"),
    (NEW, "openmetadata-1.13.1-quickstart-docker-compose.yml"),
])
def test_each_embedded_file_has_the_defaults_its_release_s_compose_passes(embedded: Path, compose: str) -> None:
    """The later file is not tied to a release tag; for every variable omaudit reads, its default is the
    one the 1.13.1 release's quickstart compose passes (and the 1.1.1 file's, 1.1.1's compose's)."""
    ours = _defaults(embedded.read_text())
    theirs = _defaults((DATA / "real" / "compose" / compose).read_text())
    read = [spec.env for spec in (*SETTINGS.values(), *SECRETS.values()) if spec.env in ours and spec.env in theirs]
    assert len(read) >= 18  # 18 for 1.1.1 (no clientType, no OIDC block), 24 for the later file
    assert {v: ours[v] for v in read} == {v: theirs[v] for v in read}


COMPOSE = """services:
  openmetadata-server:
    image: docker.getcollate.io/openmetadata/server:{tag}
    environment:
      AUTHENTICATION_PROVIDER: aws-cognito
      AUTHENTICATION_CLIENT_TYPE: confidential
      AUTHENTICATION_ENABLE_SELF_SIGNUP: "false"
"""


def _status(report: dict[str, Any], rule: str) -> str:
    [found] = [f for f in report["findings"] if f["rule_id"] == rule]
    return str(found["status"])


@pytest.mark.parametrize(("tag", "callback", "pkce"), [
    ("1.2.0", "SKIPPED", "SKIPPED"),  # the 1.1.1 file: no clientType, so public; no OIDC callback
    ("1.6.4", "FAIL", "FAIL"),        # the later file: confidential, localhost callback, PKCE off by default
])
def test_a_compose_project_is_judged_with_its_release_s_defaults(tag: str, callback: str, pkce: str,
                                                                 tmp_path: Path) -> None:
    tree = tmp_path / "deploy"
    tree.mkdir()
    (tree / "docker-compose.yml").write_text(COMPOSE.format(tag=tag))
    out = tmp_path / "out"
    result = run_cli_in_process("scan", "--dir", str(tree), "-f", "json", "-o", str(out), cwd=tmp_path)
    assert result.code == 1, result.stderr
    report = json.loads((out / "report.json").read_text())
    assert (_status(report, "OMA106"), _status(report, "OMA116")) == (callback, pkce)
    assert f"docker-compose.yml: image tag {tag}: judged with" in " ".join(report["notes"])
