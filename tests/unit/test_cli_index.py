"""The command index that lets the CLI import only the module of the command being run."""

from __future__ import annotations

import argparse
import importlib

from docgen.cli import COMMANDS, build_parser


def test_every_registered_command_is_in_the_index() -> None:
    for module, commands in COMMANDS.items():
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(module).register(sub)
        assert tuple(sub.choices) == commands, module


def test_a_known_command_builds_only_its_own_module() -> None:
    sub = next(
        a for a in build_parser(["validate", "x.json"])._actions if isinstance(a, argparse._SubParsersAction)
    )
    assert set(sub.choices) == {"validate", "facts", "next"}
    sub = next(a for a in build_parser(["--help"])._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {c for cs in COMMANDS.values() for c in cs}
