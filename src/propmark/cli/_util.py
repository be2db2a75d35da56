"""What every command shares: the app, the two consoles, the options, and the user-error guard."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from propmark.errors import PropmarkError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Propaganda markers and credibility for news text.")
# Off a terminal (a pipe, a file, CI) rich would wrap tables at 80 columns; results read better whole.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

ModelOpt = typer.Option(None, "--model", "-m", help="Model folder (default: the model shipped in the package, or $PROPMARK_MODEL).")
PrecisionOpt = typer.Option(None, "--precision", help="fp32, bf16 or int8 (default: the batch config).")


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/] {escape(message)}", soft_wrap=True, highlight=False)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the user's mistakes (and an environment that refuses a write) into one red line and exit code 2."""
    try:
        yield
    except PropmarkError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    except OSError as exc:  # a full disk, a folder made read-only mid-run: not a bug to trace
        where = f" ({exc.filename})" if exc.filename else ""
        err.print(f"[bold red]error:[/] {escape(exc.strerror or str(exc))}{escape(where)}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        raise typer.Exit(130) from None
