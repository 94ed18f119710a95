"""The ``registre`` command: one sub-command per task of the municipal staff.

Each sub-command lives in :mod:`registre.cli` as a module with
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from registre.domain.config import ConfigError

COMMANDS = ("init", "check", "new", "seal", "pdf", "verify", "import_act", "donne_acte", "registre_deliberations",
            "registre_arretes")


class _FrenchFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class _FrenchParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _FrenchFormatter)
        super().__init__(*args, **kwargs)
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "afficher cette aide et quitter"

    def error(self, message: str):  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        message = (message.replace("the following arguments are required", "arguments obligatoires manquants")
                   .replace("unrecognized arguments", "arguments inconnus")
                   .replace("invalid choice", "choix invalide")
                   .replace("choose from", "valeurs possibles :")
                   .replace("expected one argument", "une valeur est attendue")
                   .replace("invalid int value", "nombre entier invalide")
                   .replace("argument", "argument"))
        self.exit(2, f"registre : erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchParser(
        prog="registre",
        description="Registre des actes de la commune : vérifier, créer, sceller et publier les actes.",
        epilog="Aide d'une commande : registre <commande> --help",
    )
    parser._positionals.title = "arguments"
    parser._optionals.title = "options"
    sub = parser.add_subparsers(dest="command", metavar="<commande>", parser_class=_FrenchParser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"registre.cli.{name}")
        except ModuleNotFoundError:
            continue
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        command._positionals.title = "arguments"
        command._optionals.title = "options"
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except ConfigError as exc:
        print(f"registre : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
