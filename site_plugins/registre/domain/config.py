"""The commune's settings, as plain values shared by the CLI and the plugin.

They live once in ``mkdocs.yml`` under ``plugins: - registre: {...}``; the
MkDocs plugin validates them with typed config options and hands them over as
a :class:`RegistreConfig`; the CLI reads the same block with
:func:`load_config` without importing MkDocs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from registre.domain.model import ActType, Signataire

DEFAULT_PATTERN = "{numero}/{annee}"


class ConfigError(Exception):
    """mkdocs.yml does not describe the commune correctly (message in French)."""


@dataclass(frozen=True)
class Tribunal:
    nom: str = "tribunal administratif"
    adresse: str = ""


@dataclass(frozen=True)
class RegistreConfig:
    commune: str = "Commune"
    siret: str = ""
    departement: str = ""  # "66", "2A", "971"
    tribunal: Tribunal = field(default_factory=Tribunal)
    acts_dir: str = "acts"
    # Display pattern of the number per type, fields {numero} {annee} {type}.
    patterns: dict[str, str] = field(default_factory=dict)
    # First number this register holds: {type: {year: n}}; no gap reported below.
    premiers_numeros: dict[str, dict[int, int]] = field(default_factory=dict)
    signataire: Signataire | None = None  # default for `registre new`
    demo: bool = False  # show the "demo register" banner
    demo_message: str = ""
    # Date the build considers "today" (scheduled publications, delays).
    today: date | None = None
    # Absolute base URL of the public site (mkdocs.yml `site_url`), ends with "/" or is "".
    site_url: str = ""
    # Generate a PDF of each act (full text and legal mentions); off for registers
    # that publish the signed originals only.
    pdf: bool = True
    # Acts per Pagefind index: Pagefind holds about 270 KB per page while indexing, so the
    # acts of a year are indexed in parts of this many and merged in the browser.
    search_part_size: int = 1000

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def departement_code(self) -> str:
        """Département on three characters as in @ctes identifiers (066, 02A, 971)."""
        return self.departement.rjust(3, "0")

    def pattern_for(self, act_type: ActType) -> str:
        return self.patterns.get(act_type.value, DEFAULT_PATTERN)

    def first_number(self, act_type: ActType, year: int) -> int:
        return int(self.premiers_numeros.get(act_type.value, {}).get(year, 1))

    def reference_date(self) -> date:
        """Today for the build: config, then $REGISTRE_DATE, then the clock."""
        if self.today:
            return self.today
        return clock_today()


def clock_today() -> date:
    """Today outside any configuration: $REGISTRE_DATE, then the clock."""
    env = os.environ.get("REGISTRE_DATE")
    if env:
        return date.fromisoformat(env)
    return date.today()


def normalise_site_url(url: str | None) -> str:
    url = str(url or "")
    return url if not url or url.endswith("/") else url + "/"


def from_mapping(data: dict | None, site_url: str | None = None, config_file: Path | None = None) -> RegistreConfig:
    """Build a config from the plain mapping found in mkdocs.yml (``config_file``: that file,
    named with the line in errors)."""
    data = dict(data or {})
    for key in QUOTED_KEYS:
        _check_quoted(data, key, config_file)
    tribunal = data.get("tribunal") or {}
    signataire = data.get("signataire")
    premiers = {}
    for type_name, years in (data.get("premiers_numeros") or {}).items():
        premiers[str(type_name)] = {int(y): int(n) for y, n in (years or {}).items()}
    siret = str(data.get("siret", "") or "")
    if siret and not re.fullmatch(r"\d{14}", siret):
        raise ConfigError(f"mkdocs.yml : le SIRET « {siret} » doit compter 14 chiffres.")
    today = data.get("date_reference")
    if isinstance(today, str):
        today = date.fromisoformat(today)
    return RegistreConfig(
        commune=str(data.get("commune", "Commune")),
        siret=siret,
        departement=str(data.get("departement", "") or ""),
        tribunal=Tribunal(nom=str(tribunal.get("nom", "tribunal administratif")),
                          adresse=str(tribunal.get("adresse", ""))),
        acts_dir=str(data.get("acts_dir", "acts")),
        patterns={str(k): str(v) for k, v in (data.get("patterns") or {}).items()},
        premiers_numeros=premiers,
        signataire=Signataire(**{k: str(v) for k, v in signataire.items()}) if signataire else None,
        demo=bool(data.get("demo", False)),
        demo_message=str(data.get("demo_message", "") or ""),
        today=today,
        site_url=normalise_site_url(site_url),
        pdf=bool(data.get("pdf", True)),
        search_part_size=_positive(data.get("recherche_actes_par_index", 1000), "recherche_actes_par_index"),
    )


# Codes YAML would read as numbers (« siret: 21660228400012 », « departement: 01 » read as 1).
QUOTED_KEYS = ("siret", "departement")


def _check_quoted(data: dict, key: str, config_file: Path | None) -> None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return
    where, written = _config_line(config_file, key)
    written = written or str(value)
    raise ConfigError(
        f"{where}: erreur: « {key}: {written} » n'est pas entre guillemets : YAML le lit comme un nombre "
        f"({value!r}), qui perd les zéros initiaux et les lettres (2A, 2B). "
        f"Correction : écrivez « {key}: \"{written}\" » (entre guillemets) dans le bloc « registre » de mkdocs.yml.")


def _config_line(config_file: Path | None, key: str) -> tuple[str, str]:
    """(« mkdocs.yml:12 », value as written on that line) of ``key`` in the plugin's block."""
    if config_file is None:
        return "mkdocs.yml", ""
    try:
        shown = os.path.relpath(config_file)
    except ValueError:
        shown = str(config_file)
    shown = str(config_file) if shown.startswith("..") else shown
    try:
        lines = Path(config_file).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return shown, ""
    pattern = re.compile(rf"^\s*{key}\s*:\s*([^#]*?)\s*(#.*)?$")
    for number, line in enumerate(lines, 1):
        match = pattern.match(line)
        if match:
            return f"{shown}:{number}", match.group(1)
    return shown, ""


def _positive(value, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ConfigError(f"mkdocs.yml : registre → {name} : « {value} » doit être un nombre entier positif.")
    return number


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring the !!python/name and !ENV tags MkDocs allows."""


def _ignore_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_LenientLoader.add_multi_constructor("!", _ignore_tag)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def find_mkdocs_yml(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "mkdocs.yml"
        if candidate.is_file():
            return candidate
    return None


def load_config(mkdocs_yml: Path) -> RegistreConfig:
    """Read the ``registre`` plugin block of a mkdocs.yml."""
    try:
        data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_LenientLoader) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{mkdocs_yml} : YAML illisible ({exc}).") from exc
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and "registre" in plugin:
            return from_mapping(plugin["registre"], data.get("site_url"), mkdocs_yml)
        if plugin == "registre":
            return from_mapping({}, data.get("site_url"))
    raise ConfigError(f"{mkdocs_yml} : le plugin « registre » n'est pas déclaré dans « plugins ».")
