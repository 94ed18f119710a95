"""Helpers shared by the sub-commands: finding mkdocs.yml and the acts."""

from __future__ import annotations

import argparse
from pathlib import Path

from registre.domain.config import ConfigError, RegistreConfig, find_mkdocs_yml, load_config


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--config-file", metavar="MKDOCS_YML", type=Path,
                        help="fichier mkdocs.yml de la commune (par défaut : cherché depuis le dossier courant)")


def resolve(args: argparse.Namespace, acts: Path | None = None) -> tuple[RegistreConfig, Path, Path]:
    """(config, mkdocs.yml path, acts folder) for a command."""
    config_file = getattr(args, "config_file", None)
    start = Path(acts) if acts else Path.cwd()
    mkdocs_yml = config_file or find_mkdocs_yml(start if start.is_dir() else start.parent) \
        or find_mkdocs_yml(Path.cwd())
    if mkdocs_yml is None:
        raise ConfigError("mkdocs.yml introuvable : lancez la commande depuis le dossier du registre "
                          "ou indiquez-le avec --config-file.")
    config = load_config(mkdocs_yml)
    acts_root = Path(acts) if acts else mkdocs_yml.parent / config.acts_dir
    return config, mkdocs_yml, acts_root
