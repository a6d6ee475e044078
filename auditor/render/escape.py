"""Making server-controlled text safe for the sink it goes to.

Versions, bot names, callback URLs, principal names, client names and error messages come from the
audited server. Each sink has its own way to be abused: a terminal runs escape sequences (clearing
the screen, setting the title, OSC 8 links) and bidi overrides reorder what is shown; XML 1.0 refuses
most control characters outright; Markdown turns text into live images (tracking pixels in a PR
comment), links, HTML and @mentions. HTML is escaped by its renderer with `html.escape`.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text.
_BIDI = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u2028\u2029"
_TERMINAL_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_TERMINAL_BLOCK = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")  # keeps \t and \n
# What XML 1.0 cannot carry, and the bidi and line-separator characters every other sink escapes too
# (a JUnit viewer shows text, and a right-to-left override reorders it).
_XML_ILLEGAL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff{_BIDI}]")
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()<>#!|~&])")
_MD_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """One line for a terminal: every control and bidi character shown as an escape, newlines too."""
    return _TERMINAL_LINE.sub(_visible, text)


def terminal_block(text: str) -> str:
    """Several lines for a terminal: as `terminal`, but newlines and tabs are kept."""
    return _TERMINAL_BLOCK.sub(_visible, text)


def xml_text(text: str) -> str:
    """Characters XML 1.0 cannot carry, and bidi controls, shown as escapes (ElementTree escapes the rest)."""
    return _XML_ILLEGAL.sub(_visible, text)


def md_text(text: str) -> str:
    """Server text as inert Markdown prose: no link, image, HTML, emphasis, code span or mention.

    Every punctuation character Markdown gives a meaning is backslash-escaped. Autolinks and
    @mentions are found by GitHub after escapes are resolved, so a word joiner (U+2060, invisible)
    breaks `://`, `www.` and `@` instead.
    """
    flat = terminal(text).replace("\\x0a", " ")
    escaped = _MD_PUNCT.sub(r"\\\1", flat)
    return _MD_AUTOLINK.sub(lambda m: m.group()[:1] + "\u2060" + m.group()[1:], escaped)


def md_code(text: str, *, in_table: bool = False) -> str:
    """Server text as a Markdown code span, fenced by more backticks than it holds (pipes escaped in tables)."""
    flat = terminal(text).replace("\\x0a", " ")
    flat = flat.replace("|", "\\|") if in_table else flat
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or longest else ""
    return f"{fence}{pad}{flat}{pad}{fence}"
