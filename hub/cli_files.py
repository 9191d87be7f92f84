"""What the `hub` command line reads from the files it is given: a file that cannot be read,
or does not hold what the command needs, is refused with exit 2 and the reason, never a
traceback."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hub.cli_output import complain


def read_text(path: Path) -> str:
    """The text of a file the command was given; exit 2 saying why it cannot be read."""
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        complain(f"{path}: {error}")
        raise typer.Exit(2) from None


def json_object(text: str, where: str, holds: str = "a JSON object") -> dict[str, object]:
    """The JSON object `text` holds; exit 2 naming `where` (and what it should hold, `holds`)
    if it holds anything else."""
    try:
        document: object = json.loads(text)
    except ValueError as error:
        complain(f"{where} is not JSON: {error}")
        raise typer.Exit(2) from None
    if not isinstance(document, dict):
        complain(f"{where} is not {holds}")
        raise typer.Exit(2)
    return {str(name): value for name, value in document.items()}


def read_json_object(path: Path, holds: str = "a JSON object") -> dict[str, object]:
    """The JSON object in the file at `path` (see `json_object`)."""
    return json_object(read_text(path), str(path), holds)
