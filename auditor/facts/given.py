"""What one file source gives the snapshot: the snapshot's own typed sections, each field left None
where the files say nothing. Readers build the sections with their typed constructors; only the
generic steps (merging files, marking an attribute unknown) go by input key ("om.auth_config")."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from auditor.facts.snapshot import CognitoFacts, ConfFacts, OMFacts

SECTIONS = ("om", "cognito", "conf")


@dataclass(frozen=True)
class Given:
    om: OMFacts = field(default_factory=OMFacts)
    cognito: CognitoFacts = field(default_factory=CognitoFacts)
    conf: ConfFacts = field(default_factory=ConfFacts)

    def given_keys(self) -> tuple[str, ...]:
        """The input keys given, in the sections' field order."""
        return tuple(f"{name}.{f.name}" for name in SECTIONS for f in dataclasses.fields(getattr(self, name))
                     if getattr(getattr(self, name), f.name) is not None)

    def get(self, key: str) -> object:
        """One input's fact, None when not given."""
        section, _, name = key.partition(".")
        return getattr(getattr(self, section), name)

    def with_fact(self, key: str, value: object) -> Given:
        """The same with one input set, or cleared with None. Typed through Any: the value is always a
        fact read from another Given's same field, or that fact with an attribute replaced."""
        section, _, name = key.partition(".")
        part: Any = getattr(self, section)
        changed: dict[str, Any] = {section: dataclasses.replace(part, **{name: value})}
        return dataclasses.replace(self, **changed)

    def with_attribute(self, key: str, name: str, value: object) -> Given:
        """The same with one attribute of a given fact replaced (an Unknown where the files leave it to
        deploy); unchanged when the fact is not given."""
        fact: Any = self.get(key)
        return self if fact is None else self.with_fact(key, dataclasses.replace(fact, **{name: value}))
