"""What the `hub` command line prints: results on stdout, refusals and progress on stderr.

A line is printed as it is: never wrapped at the terminal's width, highlighted, or read as Rich
markup or emoji codes (a client id, a USCC, a path or an error message given back must come out
unchanged, and scripts read the results). Progress bars go to stderr, so that stdout holds the
result alone (`hub audit verify > report.txt`).
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()
err = Console(stderr=True)


def say(text: str) -> None:
    """A line of a command's result, on stdout."""
    console.print(text, markup=False, highlight=False, emoji=False, soft_wrap=True)


def complain(text: str) -> None:
    """A line saying why a command refused or failed, on stderr."""
    err.print(text, style="red", markup=False, highlight=False, emoji=False, soft_wrap=True)


def show(table: Table) -> None:
    """A table of results, on stdout."""
    console.print(table)


def progress(label: str, *, elapsed: bool = True) -> Progress:
    """The progress bar of a long command, on stderr: the label, a bar, done of all (and the
    time taken)."""
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn()]
    if elapsed:
        columns.append(TimeElapsedColumn())
    return Progress(*columns, console=err)
