"""The shell commands the documentation shows: every line of a fenced shell block (tagged
`sh`, `bash`, `shell`, `console`, or untagged) of README.md and docs/*.md that starts with
`hub`, `make`, `curl` or `.venv/bin/` (after an optional `$ ` prompt), with its file and line,
`\\` continuations joined, and the marker the block carries.

A marker is an HTML comment on the line(s) right above the fence, which a reader of the
rendered page does not see:

- `<!-- not-run: REASON -->`: the block's commands cannot run in the suite, for REASON;
- `<!-- example: NAME -->`: the block is the README example NAME, which
  tests/test_readme_examples.py runs as written.

tests/test_documented_commands.py holds every other command to being run (or to a named test
that runs it).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHELL_LANGUAGES = frozenset({"", "sh", "bash", "shell", "console"})
COMMAND_START = re.compile(r"(?:hub|make|curl)(?:\s|$)|\.venv/bin/\S")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
MARKER = re.compile(r"^\s*<!--\s*(?P<kind>not-run|example):\s*(?P<value>.*?)\s*-->\s*$")
PROMPT = re.compile(r"^\$\s+")


@dataclass(frozen=True)
class Marker:
    kind: str  # "not-run" or "example"
    value: str  # the reason, or the example's name


@dataclass(frozen=True)
class DocCommand:
    file: str  # relative to the repository, e.g. "docs/connectors.md"
    line: int  # of the command's first line, counting from 1
    text: str  # the command, continuations joined with a space, its comment left out
    comment: str  # the trailing `# ...` comment, without the `#` ("" when none)
    language: str  # the fence's info string ("" for an untagged block)
    markers: tuple[Marker, ...]  # those of the block it is in

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def marker(self, kind: str) -> Marker | None:
        return next((m for m in self.markers if m.kind == kind), None)


def split_comment(line: str) -> tuple[str, str]:
    """A shell line's command and its trailing comment: `#` starts a comment outside quotes at
    the start of a word."""
    quote: str | None = None
    escaped = False
    for at, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (at == 0 or line[at - 1].isspace()):
            return line[:at].rstrip(), line[at + 1 :].strip()
    return line.rstrip(), ""


def _continues(line: str) -> bool:
    """Whether a line ends with an unescaped backslash (the command goes on)."""
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def _logical_lines(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The block's lines with `\\` continuations joined, each with its first line's number."""
    joined: list[tuple[int, str]] = []
    start: int | None = None
    parts: list[str] = []
    for number, raw in body:
        line = raw.rstrip()
        if start is None:
            start = number
        if _continues(line):
            parts.append(line[:-1].strip())
            continue
        parts.append(line.strip())
        joined.append((start, " ".join(p for p in parts if p)))
        start, parts = None, []
    if start is not None:  # a block ending in a continuation
        joined.append((start, " ".join(p for p in parts if p)))
    return joined


def _markers_above(lines: list[str], fence_index: int) -> tuple[Marker, ...]:
    found: list[Marker] = []
    at = fence_index - 1
    while at >= 0:
        match = MARKER.match(lines[at])
        if not match:
            break
        found.append(Marker(match["kind"], match["value"]))
        at -= 1
    return tuple(reversed(found))


def commands_in(text: str, file: str) -> list[DocCommand]:
    """The documented commands of one markdown text."""
    lines = text.splitlines()
    found: list[DocCommand] = []
    at = 0
    while at < len(lines):
        opening = FENCE.match(lines[at])
        if not opening:
            at += 1
            continue
        fence, indent = opening["fence"], opening["indent"]
        language = opening["info"].split()[0].lower() if opening["info"].strip() else ""
        markers = _markers_above(lines, at)
        body: list[tuple[int, str]] = []
        end = at + 1
        while end < len(lines):
            closing = FENCE.match(lines[end])
            if (
                closing
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"]
            ):
                break
            line = lines[end]
            body.append((end + 1, line[len(indent) :] if line.startswith(indent) else line))
            end += 1
        if language in SHELL_LANGUAGES:
            for number, logical in _logical_lines(body):
                command, comment = split_comment(PROMPT.sub("", logical, count=1))
                if COMMAND_START.match(command):
                    found.append(DocCommand(file, number, command, comment, language, markers))
        at = end + 1
    return found


def documents(root: Path = REPO) -> list[Path]:
    """README.md and every docs/*.md."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def documented_commands(root: Path = REPO) -> list[DocCommand]:
    """Every documented command of README.md and docs/*.md, in document order."""
    return [
        command
        for path in documents(root)
        for command in commands_in(
            path.read_text(encoding="utf-8"), path.relative_to(root).as_posix()
        )
    ]


def forms(synopsis: str) -> list[str]:
    """The commands a synopsis line stands for: words joined by ` | ` are alternatives, a
    `[...]` group is optional; e.g. `hub rate --all | USCC... [--as-of DATE]` is `hub rate
    --all`, `hub rate --all --as-of DATE`, `hub rate USCC...` and `hub rate USCC... --as-of
    DATE`. A line without either is itself."""
    words = synopsis.split()
    slots: list[list[str]] = []
    at = 0
    while at < len(words):
        word = words[at]
        if word.startswith("["):
            end = at
            while not words[end].endswith("]"):
                end += 1
            slots.append(["", " ".join(words[at : end + 1])[1:-1]])
            at = end + 1
        elif word == "|" and slots and at + 1 < len(words):
            slots[-1].append(words[at + 1])
            at += 2
        else:
            slots.append([word])
            at += 1
    return [" ".join(w for w in chosen if w) for chosen in itertools.product(*slots)]
