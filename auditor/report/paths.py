"""Attack paths: several findings of one target that combine into one way in, shown once.

Each kind below is a chain of rules whose failing findings, together, let someone act as
OpenMetadata's administrator (issue 23). A path is a view over the findings, derived after
evaluation (and after suppressions): it adds no verdict and never changes the exit code; each step
names the finding it stands on. A path is shown when its last required step (the impact) is an
un-muted FAIL; an earlier step that is muted still counts, and is shown as MUTED, since muting one finding
accepts that finding's risk, not the combination's.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from auditor.facts.resources import POOL_PREFIX
from auditor.report.model import Finding, JsonValue, Location, Severity, Status

COUNTED = (Status.FAIL, Status.MUTED)


@dataclass(frozen=True)
class PathStep:
    rule_id: str
    resource: str
    status: Status
    says: str  # what this step gives the attacker
    location: Location | None

    def to_json(self) -> dict[str, JsonValue]:
        return {"rule_id": self.rule_id, "resource": self.resource, "status": self.status.value, "says": self.says,
                "location": self.location.to_json() if self.location else None}


@dataclass(frozen=True)
class AttackPath:
    id: str  # the kind: OMA-P1 ...
    name: str
    severity: Severity
    target: str
    story: str  # the path in one sentence
    steps: tuple[PathStep, ...]  # in the order an attacker takes them

    @property
    def fingerprint(self) -> str:
        """Stable across runs: the kind, the target and the steps' rules and resources."""
        parts = "|".join(f"{s.rule_id}:{s.resource}" for s in self.steps)
        return hashlib.sha256(f"{self.target}|{self.id}|{parts}".encode()).hexdigest()[:32]

    def to_json(self) -> dict[str, JsonValue]:
        return {"id": self.id, "name": self.name, "severity": self.severity.label, "target": self.target,
                "story": self.story, "steps": [s.to_json() for s in self.steps], "fingerprint": self.fingerprint}


Found = Mapping[str, list[Finding]]  # one target's FAIL and MUTED findings by rule


@dataclass(frozen=True)
class PathKind:
    id: str
    name: str
    severity: Severity
    title: str  # what the kind is, for SARIF's rule list
    # (rule, what that step gives, whether the path needs it), in the attacker's order
    steps: tuple[tuple[str, str, bool], ...]
    story: Callable[[Found], str | None]  # the sentence, or None when the findings do not make this path


def _evidence_list(finding: Finding, key: str) -> list[str]:
    value = finding.evidence.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def _collision(found: Found) -> tuple[Finding, str, str, str]:
    """OMA117's failing finding, how it fails (its `way`: any-domain, sign-up-name, unverified-email),
    the claim a chosen value goes in, and the administrator it names (a placeholder when the scan
    knows no administrator's name)."""
    collision = next(f for f in found["OMA117"] if f.status is Status.FAIL)
    admins = _evidence_list(collision, "admins")
    admin = admins[0] if admins else "<an administrator's name>"
    return (collision, str(collision.evidence.get("way") or ""), str(collision.evidence.get("name_claim") or "email"),
            admin)


def _strangers_sign_up(found: Found) -> str | None:
    collision, way, claim, admin = _collision(found)
    pool = found["OMA205"][0].resource.removeprefix(POOL_PREFIX)
    if way == "sign-up-name":  # the domain is enforced, but the sign-up name carries it
        return (f"A stranger signs up in user pool {pool} with the user name `{admin}@<principalDomain>`, gets a token "
                f"from the pool, and acts as OpenMetadata's administrator `{admin}`.")
    if way != "any-domain" or not any("sign up" in w for w in _evidence_list(collision, "strangers")):
        return None
    value = f"{admin}@attacker.example" if claim == "email" else admin
    return (f"A stranger signs up in user pool {pool} with {claim} `{value}`, gets a token from the pool, and acts "
            f"as OpenMetadata's administrator `{admin}`.")


def _public_keys(found: Found) -> str | None:
    collision, way, claim, admin = _collision(found)
    providers = [m[1] for w in _evidence_list(collision, "strangers")
                 if (m := re.match(r"publicKeyUrls trusts (.+?)'s keys", w))]
    if way != "any-domain" or not providers:  # an enforced domain refuses the provider's addresses
        return None
    value = f"{admin}@attacker.example" if claim == "email" else admin
    return (f"Anyone with a {providers[0]} account whose {claim} is `{value}` gets a token that OpenMetadata "
            f"verifies with the keys in publicKeyUrls, and acts as its administrator `{admin}`.")


def _member_email(found: Found) -> str | None:
    collision, way, claim, admin = _collision(found)
    if way == "unverified-email":
        return (f"A member of the pool sets their email to `{admin}@<principalDomain>` without verifying it, signs "
                f"in again, and acts as OpenMetadata's administrator `{admin}`.")
    if (way != "any-domain" or claim != "email" or _evidence_list(collision, "strangers")
            or not _evidence_list(collision, "members")):
        return None
    return (f"A member of the pool sets their email to `{admin}@their-domain.example`, signs in again, and acts "
            f"as OpenMetadata's administrator `{admin}`.")


def _shipped_key(found: Found) -> str | None:
    if "OMA102" not in found and "OMA105" not in found:
        return None
    return ("Anyone signs a token for `admin` with the private key that ships with OpenMetadata (it is public): "
            "the server trusts that key, and acts on the token as the administrator.")


def _deployed_shipped_key(found: Found) -> str | None:
    if not any(f.severity is Severity.CRITICAL for f in found["OMA502"]):
        return None  # the shipped keyId alone does not say the shipped key signs
    return ("The deployment signs tokens with the private key shipped in OpenMetadata's image (it is public), and "
            "makes `admin` an administrator: anyone can sign a token for `admin` and act as it.")


KINDS = (
    PathKind("OMA-P1", "stranger-signs-up-as-admin", Severity.CRITICAL,
             "A stranger signs up in the user pool and acts as an OpenMetadata administrator",
             (("OMA205", "anyone signs up in the user pool", True),
              ("OMA405", "OpenMetadata accepts the tokens of the pool's other app clients too", False),
              ("OMA117", "OpenMetadata takes the user name from a claim the stranger chose", True)),
             _strangers_sign_up),
    PathKind("OMA-P2", "public-account-as-admin", Severity.CRITICAL,
             "Any account of a public identity provider acts as an OpenMetadata administrator",
             (("OMA118", "OpenMetadata verifies tokens with a public provider's keys", True),
              ("OMA117", "OpenMetadata takes the user name from a claim that provider's user chose", True)),
             _public_keys),
    PathKind("OMA-P3", "member-renames-to-admin", Severity.HIGH,
             "A member of the user pool takes an administrator's e-mail and acts as that administrator",
             (("OMA305", "a member sets their own email without verifying it", True),
              ("OMA405", "OpenMetadata accepts the tokens of the pool's other app clients too", False),
              ("OMA117", "OpenMetadata takes the user name from the e-mail's local part", True)),
             _member_email),
    PathKind("OMA-P4", "forged-admin-token", Severity.CRITICAL,
             "Anyone signs an administrator's token with OpenMetadata's shipped key",
             (("OMA104", "the server trusts the RSA key shipped with OpenMetadata, whose private half is public", True),
              ("OMA105", "a token signed with that key passed the signature check", False),
              ("OMA102", "the default `admin` account exists", False)),
             _shipped_key),
    PathKind("OMA-P5", "deployed-with-shipped-key", Severity.CRITICAL,
             "The files deploy OpenMetadata's shipped signing key and make `admin` an administrator",
             (("OMA502", "the deployment signs with the image's shipped private key", True),
              ("OMA503", "the files make `admin` an administrator", True)),
             _deployed_shipped_key),
)
BY_ID = {kind.id: kind for kind in KINDS}


def attack_paths(findings: Sequence[Finding]) -> tuple[AttackPath, ...]:
    """Every path the findings make, per target, in target then kind order."""
    by_target: dict[str, dict[str, list[Finding]]] = {}
    for finding in sorted(findings, key=lambda f: (f.target, f.rule_id, f.resource)):
        if finding.status in COUNTED:
            by_target.setdefault(finding.target, {}).setdefault(finding.rule_id, []).append(finding)
    paths = []
    for target, found in sorted(by_target.items()):
        for kind in KINDS:
            path = _path(kind, target, found)
            if path is not None:
                paths.append(path)
    return tuple(paths)


def _path(kind: PathKind, target: str, found: Found) -> AttackPath | None:
    if any(needed and rule not in found for rule, _, needed in kind.steps):
        return None
    impact = [rule for rule, _, needed in kind.steps if needed][-1]
    if all(f.status is Status.MUTED for f in found[impact]):
        return None  # the combination's own risk was accepted
    story = kind.story(found)
    if story is None:
        return None
    steps = tuple(PathStep(rule, f.resource, f.status, says, f.location)
                  for rule, says, _ in kind.steps if rule in found for f in found[rule][:1])
    return AttackPath(kind.id, kind.name, kind.severity, target, story, steps)
