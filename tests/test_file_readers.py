"""The readers under a file scan: placeholders resolved as OpenMetadata resolves them, env and compose
files, YAML with lines and CloudFormation tags, and their bounds."""

from __future__ import annotations

import pytest

from auditor.sources.files.environment import Origin, Variable, compose_environment, parse_env_file, substitute
from auditor.sources.files.yaml_doc import Tagged, YamlError, load


def test_placeholders_resolve_like_dropwizard() -> None:
    env = {"SET": Variable("from-env", Origin("env-file", ".env", 3))}
    text, used, original = substitute("a: ${SET:-d}\nb: ${UNSET:-[admin]}\nc: ${UNSET}\nd: $${SET}\n", env)
    assert text == "a: from-env\nb: [admin]\nc: ${UNSET}\nd: ${SET}\n"
    assert [(u.name, u.line, u.origin.kind) for u in used] == [("SET", 1, "env-file"), ("UNSET", 2, "default"),
                                                               ("UNSET", 3, "unset")]
    assert original == [1, 2, 3, 4, 5]


def test_a_value_with_newlines_keeps_the_lines_after_it() -> None:
    env = {"KEY": Variable("-----BEGIN-----\nabc\n-----END-----", Origin("env-file", ".env", 1)),
           "URL": Variable("http://localhost:8585/callback", Origin("env-file", ".env", 2))}
    _, used, original = substitute("k: |\n  ${KEY}\ncb: ${URL}\n", env)
    assert [(u.name, u.line) for u in used] == [("KEY", 2), ("URL", 5)]  # lines of the resolved text
    assert original[5 - 1] == 3  # the callback is on line 3 of the file itself


def test_env_files_as_docker_reads_them() -> None:
    env = parse_env_file('# c\nexport A=1\nB="two words"\nC=x # note\nD=\'$literal\'\nnot a line\n', ".env")
    assert {k: v.value for k, v in env.items()} == {"A": "1", "B": "two words", "C": "x", "D": "$literal"}
    assert env["C"].origin == Origin("env-file", ".env", 4)


def test_compose_environment_of_the_openmetadata_service() -> None:
    [doc] = load("services:\n  db:\n    environment: {A: db}\n  openmetadata-server:\n"
                 "    environment:\n      - A=om\n      - FLAG=true\n")
    env = compose_environment(doc.value["services"], "compose.yml", doc.lines)
    assert {k: v.value for k, v in env.items()} == {"A": "om", "FLAG": "true"}
    assert env["A"].origin.line == 6


def test_yaml_values_keep_their_lines_and_cloudformation_tags() -> None:
    [doc] = load("Resources:\n  Pool:\n    Properties:\n      Name: !Sub '${AWS::StackName}-p'\n"
                 "      Arn: !GetAtt [A, Arn]\n")
    assert doc.get(("Resources", "Pool", "Properties", "Name")) == Tagged("Sub", "${AWS::StackName}-p")
    assert doc.line(("Resources", "Pool", "Properties", "Arn")) == 5
    assert doc.line(("Resources", "Pool", "Properties", "Missing")) == 3  # the nearest ancestor


def _alias_bomb() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(5):
        previous = "a" if i == 0 else f"b{i - 1}"
        lines.append(f"b{i}: &b{i} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join(lines) + "\n"


_ALIAS_BOMB = _alias_bomb()  # 10^6 values from six short lines


@pytest.mark.parametrize(("text", "phrase"), [
    ("[" * 100_000, "line 1: (exceeded maximum nesting depth|nested more than 64)"),
    ("a: " + "[" * 70 + "]" * 70, "nested more than 64"),
    (_ALIAS_BOMB, "aliases expanded"),
    ("a: [1, 2\n b: 3", "line 2"),
])
def test_yaml_bombs_and_broken_yaml_are_bounded_errors(text: str, phrase: str) -> None:
    with pytest.raises(YamlError, match=phrase.replace("[", r"\[")):
        load(text)


@pytest.mark.parametrize("text", ["- " * 200_000 + "x", "[" * 200_000, "a: ']]]]]]'\nb: " + "{a: " * 200_000,
                                  "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 2000))])
def test_deep_nesting_is_refused_by_the_composer_never_a_crash(text: str) -> None:
    """Nodes are composed from libyaml's events with an explicit stack: no nesting reaches the C stack,
    and the 65th level is refused where it opens (found by the 2 MiB Helm values case: the old nesting
    bound sent placeholder-heavy files to the pure-Python loader, 12.6 s)."""
    with pytest.raises(YamlError, match=r"line \d+: (exceeded maximum nesting depth|nested more than 64 levels)"):
        load(text)


def test_json_surrogate_escapes_and_control_characters() -> None:
    [doc] = load('{"Description": "lock \\ud83d\\udd12 and \\udc00"}')
    assert doc.value == {"Description": "lock \U0001f512 and \ufffd"}
    with pytest.raises(YamlError, match="line 2: a control character"):
        load("a: b\nc: \x07d\n")
