"""``registre registre-deliberations``: the year's registre des délibérations, as a PDF to print."""

from __future__ import annotations

import argparse

from registre.cli import printed_registers
from registre.publish.printed_registers import DELIBERATIONS

NAME = "registre-deliberations"
HELP = ("registre des délibérations de l'année à imprimer (délibérations et décisions du maire prises par "
        "délégation, par ordre de date ; R2121-9 et R2122-7-1 du CGCT), en PDF/A")
EPILOG = """\
exemples :
  registre registre-deliberations --annee 2025          écrit registre-deliberations-2025.pdf
  registre registre-deliberations --annee 2025 -o reg.pdf

Chaque séance : ses délibérations avec leur numéro d'ordre dans la séance, les membres présents
(d'après le fichier de séance acts/AAAA/seance-AAAA-MM-JJ.md) et la place des signatures du maire
et du ou des secrétaires de séance. Pages numérotées au nom de la commune ; table par date et
table par objet (matière) à la fin."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    printed_registers.add_arguments(parser, DELIBERATIONS, EPILOG)


def run(args: argparse.Namespace) -> int:
    return printed_registers.run(args, DELIBERATIONS, NAME)
