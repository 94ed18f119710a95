"""``registre init``: a commune's repository, ready to commit.

The files come from ``init_templates/`` (Jinja with ``(( ))`` and ``(% %)`` delimiters, so that
GitHub's ``${{ }}`` stays as it is): ``mkdocs.yml``, the public pages of ``docs/``, the README of
the repository, ``.gitignore`` and the publishing workflows of GitHub and GitLab.  Those workflows
install exactly the registre that ran ``init`` (:func:`installed_registre`, read from the
installed distribution's metadata, PEP 610 ``direct_url.json``).  ``ci/`` of the project holds
the same workflows rendered for a copy by hand (``manual=True``).
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2

from registre.domain.config import clock_today
from registre.domain.dates import format_date
from registre.domain.identifiers import normalise_siret, siren_of, siret_problem
from registre.domain.tribunaux import TribunalEntry, normalise_departement, tribunal_for
from registre.resources import INIT_TEMPLATES, RUNTIME_LOCK

# (template under init_templates/, path in the new repository)
FILES = (
    ("mkdocs.yml", "mkdocs.yml"),
    ("README.md", "README.md"),
    ("gitignore", ".gitignore"),
    ("docs/index.md", "docs/index.md"),
    ("docs/aide.md", "docs/aide.md"),
    ("docs/accessibilite.md", "docs/accessibilite.md"),
    ("github/publier.yml", ".github/workflows/publier.yml"),
    ("gitlab/gitlab-ci.yml", ".gitlab-ci.yml"),
)
DEMO_ACTS = INIT_TEMPLATES / "demo" / "acts"
# The demo acts are those of Villeneuve-la-Rivière (the project's acts/), adapted on copy.
DEMO_COMMUNE = "Villeneuve-la-Rivière"
DEMO_SIREN = "216602284"
DEMO_DEPARTEMENT = "066"
DEMO_MAIRE = ("Patrick", "PASCAL")
# The requirements ci/ shows for a copy by hand (to be replaced there).
MANUAL_REQUIREMENTS = {
    "github": "registre @ git+https://github.com/VOTRE-ORGANISATION/registre@v0.1.0",
    "gitlab": "registre @ git+https://gitlab.com/VOTRE-GROUPE/registre.git@v0.1.0",
}


class InitError(Exception):
    """The repository cannot be created (message and fix in French)."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix


# -- the registre that runs ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Installed:
    """Where the CI installs registre from: the very version that ran ``init``."""

    requirement: str  # a pip requirement: « registre==0.2.0 », « registre @ git+https://…@<commit> »
    origin: str  # the same in words (French), for the workflows' comment and the README
    warnings: tuple[str, ...] = ()


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def https_remote(url: str) -> str:
    """A remote as an address pip can clone without a key: ``git@host:path`` → ``https://host/path``."""
    match = re.fullmatch(r"(?:ssh://)?[\w.-]+@([\w.-]+)[:/](.+)", url)
    if match and not url.startswith(("http://", "https://")):
        return f"https://{match[1]}/{match[2].lstrip('/')}"
    return url


def _requirement_text(requirement: str) -> str:
    if not re.fullmatch(r"registre\s*(==\s*[\w.+!-]+|@\s*\S+)", requirement.strip()):
        raise InitError(f"« {requirement} » n'est pas une façon d'installer registre que pip comprend.",
                        "indiquez par exemple --logiciel \"registre==0.2.0\" (version publiée) ou "
                        "--logiciel \"registre @ git+https://forge.example/registre.git@<commit>\".")
    return requirement.strip()


def installed_registre(distribution=None, override: str | None = None) -> Installed:
    """The registre to install in the commune's CI (``override``: given by ``--logiciel``).

    - released version (installed from an index, no ``direct_url.json``): ``registre==<version>`` ;
    - installed from a VCS (``vcs_info``): that repository at that very commit ;
    - from an archive URL (``archive_info``): that URL, with its hash when pip recorded it ;
    - from a local folder (``dir_info``, editable or not) that is a git checkout with an ``origin``:
      origin (as https) at ``HEAD``; warnings if the folder has uncommitted changes or ``HEAD``
      is on no remote branch (the CI could not fetch it) ;
    - anything else (a local folder without origin, a local archive): refused, as the CI could not
      install it; ``--logiciel`` says where to get it."""
    if override:
        requirement = _requirement_text(override)
        return Installed(requirement, f"{requirement} (indiqué avec --logiciel)")
    if distribution is None:
        try:
            distribution = importlib.metadata.distribution("registre")
        except importlib.metadata.PackageNotFoundError:
            raise InitError("le logiciel registre tourne sans être installé (pas de métadonnées de paquet) : "
                            "impossible de dire à la publication automatique quelle version installer.",
                            "installez-le (python3 -m pip install …) ou indiquez --logiciel.") from None
    version = distribution.version
    direct = distribution.read_text("direct_url.json")
    if not direct:
        return Installed(f"registre=={version}", f"version publiée {version}")
    info = json.loads(direct)
    url = str(info.get("url", ""))
    refuse_fix = ("indiquez d'où la publication automatique doit l'installer : --logiciel \"registre==VERSION\" "
                  "ou --logiciel \"registre @ git+https://ADRESSE-DU-DEPOT@COMMIT\".")
    if "vcs_info" in info:
        vcs = info["vcs_info"]
        commit = vcs.get("commit_id", "")
        scheme = vcs.get("vcs", "git")
        base = url if url.startswith(f"{scheme}+") else f"{scheme}+{url}"
        return Installed(f"registre @ {base}@{commit}", f"version {version}, dépôt {url}, commit {commit}")
    if "archive_info" in info:
        if not url.startswith(("https://", "http://")):
            raise InitError(f"registre {version} a été installé depuis une archive locale ({url}), que la "
                            "publication automatique ne pourra pas télécharger.", refuse_fix)
        archive = info["archive_info"]
        hashes = archive.get("hashes") or {}
        digest = f"sha256={hashes['sha256']}" if "sha256" in hashes else archive.get("hash", "")
        fragment = f"#{digest.replace(':', '=')}" if digest else ""
        return Installed(f"registre @ {url}{fragment}", f"version {version}, archive {url}")
    folder = Path(unquote(urlparse(url).path)) if url.startswith("file://") else None
    if folder is None:
        raise InitError(f"registre {version} a été installé d'une façon que « registre init » ne sait pas "
                        f"reproduire ({url or 'adresse inconnue'}).", refuse_fix)
    commit = _git(folder, "rev-parse", "HEAD")
    remote = _git(folder, "remote", "get-url", "origin")
    if not commit or not remote:
        what = "n'est pas un dépôt git" if not commit else "n'a pas de dépôt distant « origin »"
        raise InitError(f"registre {version} est installé depuis le dossier local {folder}, qui {what} : la "
                        "publication automatique ne pourrait pas l'installer.", refuse_fix)
    remote = https_remote(remote)
    warnings = []
    if _git(folder, "status", "--porcelain", "--untracked-files=no"):
        warnings.append(f"le dossier {folder} contient des modifications non enregistrées (commit) : la "
                        f"publication automatique installera le commit {commit[:12]} sans elles.")
    if not _git(folder, "branch", "-r", "--contains", commit):
        warnings.append(f"le commit {commit[:12]} n'est sur aucune branche de {remote} : envoyez-le (git push), "
                        "sinon la publication automatique ne pourra pas l'installer.")
    return Installed(f"registre @ git+{remote}@{commit}", f"version {version}, dépôt {remote}, commit {commit}",
                     tuple(warnings))


# -- the commune ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Commune:
    nom: str
    siret: str
    departement: str
    habitants: int
    maire_prenom: str
    maire_nom: str
    installation: date  # installation of the municipal council (start of the mandate)
    site_url: str
    tribunal: str
    tribunal_adresse: str
    maire_qualite: str = "Maire"
    nom_departement: str = ""

    @property
    def siren(self) -> str:
        return siren_of(self.siret)


def check_siret(text: str) -> str:
    """The SIRET without spaces, or :class:`InitError`."""
    problem = siret_problem(text)
    if problem:
        raise InitError(problem.message, problem.fix)
    return normalise_siret(text)


def tribunal_of(departement: str) -> TribunalEntry:
    entry = tribunal_for(departement)
    if entry is None:
        raise InitError(f"« {departement} » n'est pas un code de département connu.",
                        "indiquez le code INSEE du département : 01 à 95, 2A ou 2B pour la Corse, 971 à 976 "
                        "outre-mer (975 : Saint-Pierre-et-Miquelon).")
    return entry


def check_departement(text: str) -> str:
    return tribunal_of(text).departement if text else normalise_departement(text)


def check_target(folder: Path) -> None:
    """The repository is created in a new or empty folder, never over existing files."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} est un fichier, pas un dossier.",
                        "indiquez le chemin d'un dossier nouveau ou vide.")
    if folder.is_dir() and any(folder.iterdir()):
        names = sorted(p.name for p in folder.iterdir())
        shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        raise InitError(f"le dossier {folder} n'est pas vide ({shown}) : « registre init » n'écrit que dans un "
                        "dossier nouveau ou vide, pour ne rien écraser.",
                        "indiquez un autre dossier (il sera créé), ou videz celui-ci.")


# -- rendering -----------------------------------------------------------------------------------------

def yaml_str(value: object) -> str:
    """A double-quoted YAML scalar (JSON strings are YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(INIT_TEMPLATES)), autoescape=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, variable_start_string="((", variable_end_string="))",
                             block_start_string="(%", block_end_string="%)", comment_start_string="(#",
                             comment_end_string="#)")
    env.filters["yaml_str"] = yaml_str
    env.filters["date_fr"] = format_date
    return env


def render_manual_ci(forge: str) -> str:
    """The workflow of ``forge`` (github, gitlab) for a copy by hand: the files of the project's ci/."""
    name = {"github": "github/publier.yml", "gitlab": "gitlab/gitlab-ci.yml"}[forge]
    return _environment().get_template(name).render(manual=True, registre_requirement=MANUAL_REQUIREMENTS[forge])


@dataclass
class Created:
    folder: Path
    files: list[Path] = field(default_factory=list)  # relative to folder


def create_register(folder: Path, commune: Commune, installed: Installed, *, demo: bool = False) -> Created:
    """Write the repository of ``commune`` in ``folder`` (new or empty)."""
    check_target(folder)
    env = _environment()
    context = dict(commune=commune, manual=False, demo=demo, today=clock_today(),
                   registre_requirement=installed.requirement, registre_origin=installed.origin)
    rendered = {target: env.get_template(source).render(**context) for source, target in FILES}
    created = Created(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for target, text in rendered.items():
        path = folder / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        created.files.append(Path(target))
    # The workflows install the dependencies from it: the same versions and bytes on every run.
    (folder / "requirements.lock").write_bytes(RUNTIME_LOCK.read_bytes())
    created.files.append(Path("requirements.lock"))
    acts = folder / "acts"
    acts.mkdir(exist_ok=True)
    (acts / ".gitkeep").write_text("", encoding="utf-8")
    created.files.append(Path("acts/.gitkeep"))
    if demo:
        created.files.extend(copy_demo_acts(acts, commune))
    return created


def adapt_demo_text(text: str, commune: Commune) -> str:
    """A demo act of Villeneuve-la-Rivière, as if it were of ``commune``."""
    text = text.replace(f"{DEMO_DEPARTEMENT}-{DEMO_SIREN}-",
                        f"{commune.departement.rjust(3, '0')}-{commune.siren}-")
    text = text.replace(DEMO_COMMUNE, commune.nom).replace("VILLENEUVE-LA-RIVIERE", commune.nom.upper())
    prenom, nom = DEMO_MAIRE
    text = re.sub(rf"(\n\s*prenom: ){prenom}\n(\s*nom: ){nom}\n",
                  lambda m: f"{m[1]}{yaml_str(commune.maire_prenom)}\n{m[2]}{yaml_str(commune.maire_nom)}\n", text)
    text = text.replace(f"{{prenom: {prenom}, nom: {nom}",
                        f"{{prenom: {yaml_str(commune.maire_prenom)}, nom: {yaml_str(commune.maire_nom)}")
    return text.replace(f"{prenom} {nom}", f"{commune.maire_prenom} {commune.maire_nom}")


def copy_demo_acts(acts: Path, commune: Commune) -> list[Path]:
    written = []
    for source in sorted(DEMO_ACTS.rglob("*")):
        if source.is_dir() or source.name == "registre.lock":
            continue
        rel = source.relative_to(DEMO_ACTS)
        target = acts / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".md":
            target.write_text(adapt_demo_text(source.read_text(encoding="utf-8"), commune), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(Path("acts") / rel)
    return written
