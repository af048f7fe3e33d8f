"""The ``fanzha`` command line (typer + rich). Each capability registers its commands from its own module."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="fanzha",
    help="反诈 fanzha: screen texts, check indicators, run the case and warning platform.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

# Each module defines ``register(app)``; a new capability adds one line here.
_COMMAND_MODULES = (
    "fanzha.cli.screen_cmd",
    "fanzha.cli.model_cmd",
    "fanzha.cli.check_cmd",
    "fanzha.cli.extract_cmd",
    "fanzha.cli.platform_cmd",
)

for _mod in _COMMAND_MODULES:
    importlib.import_module(_mod).register(app)


def main() -> None:
    app()
