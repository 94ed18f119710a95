"""The ``registre`` command: one module per sub-command (see :mod:`registre.cli.main`)."""

from registre.cli.main import main

__all__ = ["main"]
