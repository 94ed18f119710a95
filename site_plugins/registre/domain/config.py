"""The commune's settings, as plain values shared by the CLI and the plugin.

They live once in ``mkdocs.yml`` under ``plugins: - registre: {...}`` and are
defined once, here: :class:`RegistreConfig` (values and defaults) and
:func:`from_mapping` (checks, French errors).  The CLI reads the block with
:func:`load_config`; the MkDocs plugin hands over what MkDocs read.
"""

from __future__ import annotations

import difflib
import enum
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


class Publicite(str, enum.Enum):
    """How the commune makes its acts known (L2131-1 CGCT; IV: choice of communes under 3,500)."""

    ELECTRONIQUE = "electronique"  # publication on the website (the rule since 1 July 2022)
    AFFICHAGE = "affichage"
    PAPIER = "papier"


@dataclass(frozen=True)
class PubliciteChoice:
    mode: Publicite = Publicite.ELECTRONIQUE
    deliberation: date | None = None  # date of the délibération that chose affichage or papier


@dataclass(frozen=True)
class RegistreConfig:
    """The ``registre`` block of mkdocs.yml: the one definition of every option and its default.

    The CLI reads it with :func:`load_config`, the MkDocs plugin with :func:`from_mapping` (its
    options schema is generated from :data:`OPTIONS`): same values, same French errors."""

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
    # Acts per page of the register's lists.
    per_page: int = 100
    # `mkdocs serve` on a large register: only the acts of the last N years get pages (0 = all).
    serve_years: int = 0
    # Build only the act pages (and their PDFs and search index) of these years; the register-wide
    # pages are built in full.  One job per year, outputs merged: see README « Passage à l'échelle ».
    years: tuple[int, ...] = ()
    # Population of the commune (decides the convocation delay of the council, L2121-11/12, and
    # whether it may choose its mode of publicity, L2131-1 IV); None: not given.
    habitants: int | None = None
    # Installation dates of the municipal council, oldest first (delegations last for a mandate).
    mandats: tuple[date, ...] = ()
    publicite: PubliciteChoice = field(default_factory=PubliciteChoice)

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


# The options of the ``registre`` block of mkdocs.yml (names as staff write them).
OPTIONS = ("commune", "siret", "departement", "tribunal", "acts_dir", "patterns", "premiers_numeros", "signataire",
           "demo", "demo_message", "date_reference", "pdf", "recherche_actes_par_index", "par_page",
           "serve_annees", "annees", "habitants", "mandats", "publicite")


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
    named with the line in errors).  Options left out (or None) take their default."""
    data = {k: v for k, v in dict(data or {}).items() if v is not None}
    unknown = sorted(set(data) - set(OPTIONS))
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, OPTIONS, n=1)
        where, _ = _config_line(config_file, name)
        raise ConfigError(f"{where}: erreur: option « {name} » inconnue dans le bloc « registre ». Correction : "
                          + (f"vouliez-vous écrire « {close[0]} » ?" if close else
                             f"retirez-la ; les options sont : {', '.join(OPTIONS)}."))
    for key in QUOTED_KEYS:
        _check_quoted(data, key, config_file)
    defaults = RegistreConfig()
    tribunal = _mapping(data, "tribunal")
    signataire = _mapping(data, "signataire")
    premiers = {}
    for type_name, years in _mapping(data, "premiers_numeros").items():
        premiers[str(type_name)] = {int(y): int(n) for y, n in (years or {}).items()}
    siret = str(data.get("siret", "") or "")
    if siret and not re.fullmatch(r"\d{14}", siret):
        raise ConfigError(f"mkdocs.yml : le SIRET « {siret} » doit compter 14 chiffres.")
    today = data.get("date_reference")
    if isinstance(today, str):
        today = _date(today, "date_reference")
    habitants = _positive(data["habitants"], "habitants") if "habitants" in data else None
    publicite = _publicite(data.get("publicite", Publicite.ELECTRONIQUE.value))
    _check_publicite_choice(publicite, habitants, config_file)
    return RegistreConfig(
        commune=str(data.get("commune", defaults.commune)),
        siret=siret,
        departement=str(data.get("departement", "") or ""),
        tribunal=Tribunal(nom=str(tribunal.get("nom", defaults.tribunal.nom)),
                          adresse=str(tribunal.get("adresse", defaults.tribunal.adresse))),
        acts_dir=str(data.get("acts_dir", defaults.acts_dir)),
        patterns={str(k): str(v) for k, v in _mapping(data, "patterns").items()},
        premiers_numeros=premiers,
        signataire=Signataire(prenom=str(signataire.get("prenom", "")), nom=str(signataire["nom"]),
                              qualite=str(signataire.get("qualite", "Maire"))) if signataire.get("nom") else None,
        demo=_bool(data, "demo", defaults.demo),
        demo_message=str(data.get("demo_message", "") or ""),
        today=today,
        site_url=normalise_site_url(site_url),
        pdf=_bool(data, "pdf", defaults.pdf),
        search_part_size=_positive(data.get("recherche_actes_par_index", defaults.search_part_size),
                                   "recherche_actes_par_index"),
        per_page=_positive(data.get("par_page", defaults.per_page), "par_page"),
        serve_years=_positive(data.get("serve_annees", defaults.serve_years), "serve_annees", zero=True),
        years=_years(data.get("annees", [])),
        habitants=habitants,
        mandats=_mandats(data.get("mandats", [])),
        publicite=publicite,
    )


def _mapping(data: dict, key: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"mkdocs.yml : registre → {key} : une liste de « clé: valeur » est attendue "
                          f"(reçu « {value} »).")
    return value


def _bool(data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"mkdocs.yml : registre → {key} : « {value} » n'est ni true ni false. "
                          f"Correction : écrivez « {key}: true » ou « {key}: false ».")
    return value


def _date(value, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"mkdocs.yml : registre → {name} : « {value} » n'est pas une date. "
                          "Correction : écrivez-la AAAA-MM-JJ, par exemple 2020-05-23.") from None


def _years(values) -> tuple[int, ...]:
    if not isinstance(values, list):
        values = [values]
    years = []
    for value in values:
        if isinstance(value, bool) or not re.fullmatch(r"\d{4}", str(value).strip()):
            raise ConfigError(f"mkdocs.yml : registre → annees : « {value} » n'est pas une année. "
                              "Correction : une liste d'années, par exemple annees: [2024, 2025].")
        years.append(int(value))
    return tuple(sorted(set(years)))


def _mandats(values) -> tuple[date, ...]:
    if not isinstance(values, list):
        raise ConfigError("mkdocs.yml : registre → mandats : une liste de dates est attendue. Correction : "
                          "les dates d'installation du conseil municipal, la plus ancienne d'abord, par exemple "
                          "mandats: [2020-05-23, 2026-03-28].")
    days = [_date(v, "mandats") for v in values]
    if days != sorted(set(days)):
        raise ConfigError("mkdocs.yml : registre → mandats : les dates doivent être distinctes et rangées de la plus "
                          "ancienne à la plus récente. Correction : par exemple mandats: [2020-05-23, 2026-03-28].")
    return tuple(days)


def _publicite(value) -> PubliciteChoice:
    modes = ", ".join(m.value for m in Publicite)
    mode, deliberation = value, None
    if isinstance(value, dict):
        mode, deliberation = value.get("mode"), value.get("deliberation")
    try:
        mode = Publicite(str(mode))
    except ValueError:
        raise ConfigError(f"mkdocs.yml : registre → publicite : « {mode} » n'est pas un mode de publicité "
                          f"({modes}). Correction : par exemple publicite: {{mode: affichage, deliberation: "
                          "2022-06-30}.") from None
    if mode is not Publicite.ELECTRONIQUE and deliberation is None:
        raise ConfigError("mkdocs.yml : registre → publicite : la date de la délibération qui a choisi ce mode "
                          "manque (L2131-1 IV CGCT). Correction : publicite: {mode: "
                          f"{mode.value}, deliberation: AAAA-MM-JJ}}.")
    return PubliciteChoice(mode, None if deliberation is None else _date(deliberation, "publicite → deliberation"))


# L2131-1 IV CGCT: only communes « de moins de 3 500 habitants » may choose affichage or papier.
PUBLICITE_CHOICE_LIMIT = 3500


def _check_publicite_choice(publicite: PubliciteChoice, habitants: int | None, config_file: Path | None) -> None:
    """Affichage or papier only under 3,500 inhabitants; the population must then be given, or the
    register could not tell that the commune may choose (it would publish acts whose publicity the
    law may not recognise)."""
    if publicite.mode is Publicite.ELECTRONIQUE:
        return
    where, _ = _config_line(config_file, "publicite")
    if habitants is None:
        raise ConfigError(f"{where}: erreur: « publicite: {publicite.mode.value} » n'est ouvert qu'aux communes "
                          "de moins de 3 500 habitants (L2131-1 IV CGCT), et la population de la commune n'est pas "
                          "indiquée. Correction : ajoutez « habitants: » (population municipale, par exemple "
                          "« habitants: 1500 ») dans le bloc « registre » de mkdocs.yml.")
    if habitants >= PUBLICITE_CHOICE_LIMIT:
        raise ConfigError(f"{where}: erreur: « publicite: {publicite.mode.value} » n'est ouvert qu'aux communes "
                          f"de moins de 3 500 habitants (L2131-1 IV CGCT) ; la commune en compte {habitants} : ses "
                          "actes sont publiés sous forme électronique (L2131-1 III). Correction : retirez l'option "
                          "« publicite » (ou écrivez « publicite: electronique »), ou corrigez « habitants ».")


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


def _positive(value, name: str, *, zero: bool = False) -> int:
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and re.fullmatch(r"\d{1,9}", value.strip()):
        number = int(value)
    if number is None or number < (0 if zero else 1):
        raise ConfigError(f"mkdocs.yml : registre → {name} : « {value} » doit être un nombre entier "
                          f"{'positif ou nul' if zero else 'positif'}.")
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
