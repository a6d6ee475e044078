"""Redaction that is linear in the text (issue 19) with the guarantees it had (issue 10), plus pieces
(issue 18): the 8-gram masking is checked against the previous implementation on a randomised corpus,
pieces are measured for false positives on ordinary reports, and canaries of 16, 600 and 1,200
characters leak from no format."""

from __future__ import annotations

import dataclasses
import enum
import json
import random
import re
import string
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pytest

from auditor.common.redact import Redactor, _merge, redact_values
from tests.conftest import DATA

ALPHABET = string.ascii_letters + string.digits + "-_"


def _previous_spans(secrets: list[str], text: str) -> list[tuple[int, int]]:
    """The runs Redactor._fragments found before it became linear (one str.find per 8-character
    window of every secret, overlapping finds merged): the oracle."""
    windows = {s.lower()[i:i + 8] for s in secrets if len(s) >= 16 for i in range(len(s) - 7)}
    if len(text) < 8 or not windows:
        return []
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    spans = []
    for window in windows:
        start = lowered.find(window)
        while start != -1:
            spans.append((start, start + 8))
            start = lowered.find(window, start + 1)
    return _merge(spans)


def _secret(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def test_eight_gram_runs_are_what_they_were_on_a_randomised_corpus() -> None:
    rng = random.Random(19)
    secrets = [_secret(rng, 623), _secret(rng, 40) + "/+=", _secret(rng, 16)]
    redactor = Redactor(secrets)
    words = ["rejected", "internal", " ", "-", "é", "İ", "ß", "\u00e9", "Token", "://", "\n"]
    for _ in range(4000):
        parts = []
        for _ in range(rng.randint(1, 10)):
            roll = rng.random()
            if roll < 0.35:
                source = rng.choice(secrets)
                at = rng.randrange(len(source))
                parts.append(source[at:at + rng.randint(1, 16)])
            elif roll < 0.55:
                parts.append(rng.choice(words))
            else:
                parts.append("".join(rng.choice(ALPHABET + " .,:/") for _ in range(rng.randint(0, 24))))
        text = "".join(parts)
        text = text.upper() if rng.random() < 0.3 else text
        assert redactor.gram_spans(text) == _previous_spans(secrets, text), text


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_pieces_mask_nothing_in_ordinary_reports() -> None:
    """False positives of the pieces rule, measured: every string of every golden report, redacted with
    30 random secrets of 16 to 1,200 characters registered, is unchanged."""
    rng = random.Random(18)
    redactor = Redactor([_secret(rng, length) for length in (16, 24, 40, 64, 600, 1200) for _ in range(5)])
    texts = [s for path in sorted((DATA / "golden").glob("*/report.json"))
             for s in _strings(json.loads(path.read_text()))]
    assert len(texts) > 1000
    changed = [t for t in texts if redactor(t) != t]
    assert changed == []


@pytest.mark.parametrize("length", [16, 600, 1200])
def test_canaries_leak_from_no_format_whole_prefixed_or_in_pieces(length: int, tmp_path: Path) -> None:
    from auditor.cli.run import emit
    from auditor.common.redact import SECRETS
    from auditor.report.model import Finding, Report, Severity, Status, TargetInfo

    rng = random.Random(length)
    canary = _secret(rng, length)
    echoes = [canary, canary[:8], canary.upper(), " ".join(re.findall(".{1,7}", canary)),
              "-".join(re.findall(".{1,4}", canary)), f"http://user:{canary}@host/", "é" + canary[3:12]]
    findings = tuple(Finding(rule_id="OMA104", name="x", status=Status.FAIL, severity=Severity.HIGH, target="t",
                             resource=f"r{i}", message=f"echo {e} end", evidence={"echo": e}, remediation="-")
                     for i, e in enumerate(echoes))
    report = Report(tool_version="0", started_at="2026-12-02T00:00:00Z", finished_at="2026-12-02T00:00:01Z",
                    targets=(TargetInfo(name="t"),), findings=findings)
    saved = SECRETS.state()
    try:
        emit(report, ["json", "sarif", "junit", "markdown", "html", "csv"], tmp_path, [canary])
    finally:
        SECRETS.restore(saved)
    text = "".join(p.read_text() for p in tmp_path.iterdir())
    lowered = text.lower()
    leaked = [canary[i:i + 8] for i in range(len(canary) - 7) if canary[i:i + 8].lower() in lowered]
    assert leaked == []
    json.loads((tmp_path / "report.json").read_text())


def test_the_whole_secret_check_finds_what_the_case_blind_pattern_finds() -> None:
    """`whole` looks for a secret with lower() and find on ASCII text, and with the case-blind pattern
    otherwise: on random texts (characters whose case folding differs included: the long s, the Kelvin sign)
    it masks exactly what the pattern masks."""
    rng = random.Random(23)
    redactor = Redactor(["abcdefghijklmnopXYZ123", "Zz" * 10, "sKsK-secret-sKsK"])
    pattern = re.compile("|".join(re.escape(s) for s in sorted(redactor.values(), key=len, reverse=True)),
                         re.IGNORECASE)
    masked = 0
    for _ in range(5000):
        text = "".join(rng.choice("abcXYZ123zZsk- \u017f\u212a\u00e9") for _ in range(rng.randint(0, 60)))
        if rng.random() < 0.4:
            at = rng.randint(0, len(text))
            echo = rng.choice(["ABCDEFGHIJKLMNOPxyz123", "zZ" * 10, "SKSK-SECRET-SKSK", "\u017fKsK-secret-sKsK",
                               "sKsK-secret-sK\u212a"])
            text = text[:at] + echo + text[at:]
        expected = pattern.sub("[REDACTED]", text)
        assert redactor.whole(text) == expected, text
        masked += expected != text
    assert masked > 1000  # the corpus holds secrets in every spelling, not only clean text


# --- redact_values: a report redacted value by value, before any format encodes it ---------------


def _masked_everywhere(value: object, redactor: Redactor) -> object:
    """The oracle: every string masked, every container rebuilt (dataclasses as dicts of their fields)."""
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return redactor(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _masked_everywhere(getattr(value, f.name), redactor) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {_masked_everywhere(k, redactor): _masked_everywhere(v, redactor) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_masked_everywhere(v, redactor) for v in value]
    return value


def _plain(value: object) -> object:
    """The oracle's shape of a redacted value, for comparing the two."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        assert type(value) is dict  # a mapping of another type is rebuilt as a dict, which every encoder takes
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


class _Level(enum.Enum):
    LOW = "low"


@dataclasses.dataclass(frozen=True)
class _Row:
    name: str
    level: _Level
    evidence: Mapping[str, object]
    tags: tuple[str, ...]
    count: int | None


@pytest.mark.parametrize("seed", range(40))
def test_redact_values_masks_every_string_and_keeps_what_did_not_change(seed: int) -> None:
    rng = random.Random(seed)
    secret = _secret(rng, 40)
    redactor = Redactor([secret])

    def text() -> str:
        words = [rng.choice(["plain", "callback", "http://u:p@h/", secret, secret[5:17].upper(), "a\u00e9b", "eyJ"])
                 for _ in range(rng.randint(0, 3))]
        return " ".join(words)

    def leaf() -> object:
        return rng.choice([None, True, 3, 2.5, _Level.LOW, text()])

    def tree(depth: int) -> object:
        if depth == 0:
            return leaf()
        kind = rng.randrange(5)
        if kind == 0:
            return {text(): tree(depth - 1) for _ in range(rng.randint(0, 3))}
        if kind == 1:
            return [tree(depth - 1) for _ in range(rng.randint(0, 3))]
        if kind == 2:
            return MappingProxyType({text(): tree(depth - 1)})
        if kind == 3:
            return _Row(text(), _Level.LOW, {"k": tree(depth - 1)}, (text(), text()), rng.choice([None, 1]))
        return leaf()

    value = [tree(4) for _ in range(5)]
    redacted = redact_values(value, redactor)
    assert _plain(redacted) == _masked_everywhere(value, redactor)
    assert secret.lower() not in json.dumps(_plain(redacted), default=str).lower()
    clean = Redactor(["an-unused-secret-of-forty-characters-xyz"])
    if not any(isinstance(v, MappingProxyType) for v in _walk(value)) and "http://u:p@h/" not in repr(value) \
            and "eyJ" not in repr(value):
        assert redact_values(value, clean) is value  # nothing to mask: not one container rebuilt


def _walk(value: object) -> list[object]:
    found = [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found += [x for f in dataclasses.fields(value) for x in _walk(getattr(value, f.name))]
    elif isinstance(value, Mapping):
        found += [x for k, v in value.items() for x in (*_walk(k), *_walk(v))]
    elif isinstance(value, tuple | list):
        found += [x for v in value for x in _walk(v)]
    return found


def test_redact_values_keeps_a_str_enum_and_rebuilds_a_frozen_dataclass() -> None:
    secret = "Zq8-secret-value-of-forty-characters-Kp3"
    redactor = Redactor([secret])
    row = _Row(f"token {secret}", _Level.LOW, MappingProxyType({"k": "v"}), ("a",), None)
    redacted = redact_values(row, redactor)
    assert redacted.name == "token [REDACTED]"
    assert redacted.level is _Level.LOW and redacted.tags is row.tags
    assert type(redacted.evidence) is dict and redacted.evidence == {"k": "v"}
