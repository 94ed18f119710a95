"""``registre registre-arretes``: the year's registre des arrêtés, as a PDF to print."""

from __future__ import annotations

import argparse

from registre.cli import printed_registers
from registre.publish.printed_registers import ARRETES

NAME = "registre-arretes"
HELP = ("registre des arrêtés de l'année à imprimer (arrêtés du maire avec leur publication et leur "
        "notification, par ordre de date ; R2122-7 du CGCT), en PDF/A")
EPILOG = """\
exemples :
  registre registre-arretes --annee 2025                écrit registre-arretes-2025.pdf
  registre registre-arretes --annee 2025 -o arretes.pdf

Chaque arrêté : son texte, l'acte de publication (certificat du maire), l'acte de notification
pour un arrêté individuel, la transmission au représentant de l'État et la place de la signature.
Pages numérotées au nom de la commune ; table par date et table par objet (matière) à la fin."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    printed_registers.add_arguments(parser, ARRETES, EPILOG)


def run(args: argparse.Namespace) -> int:
    return printed_registers.run(args, ARRETES, NAME)
