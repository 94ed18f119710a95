"""Do two versions of the code publish the same bytes?

    python bench/identical.py --reference 3a5ea9f            # demo + 300 generated acts
    python bench/identical.py --reference main --actes 1000  # another size

Builds the same registers twice, cold, in separate temporary folders: once with
the code of ``--reference`` (a git revision of this repository, checked out in a
temporary worktree) and once with this checkout's code.  Each register is
sealed (``registre seal``: the ledger's lines depend on site addresses and
masking), its PDFs generated and the site built; then every file of the two
sites and the two ledgers is compared byte for byte.  Pagefind's output is not
byte-reproducible (the same index, other bytes): ``pagefind/`` is left out.

Exit status 0 when everything is identical, 1 otherwise (the differing files
are listed).  A refactoring that must not change what is published is checked
with this script (README « Architecture »).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-01-15"  # fixed: what is online and executory depends on the date
EXCLUDED = ("pagefind/",)


def run(command: list[str], cwd: Path, code: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(code / "site_plugins"), REGISTRE_DATE=TODAY, REGISTRE_PDF_WORKERS="2")
    env.pop("REGISTRE_CACHE_DIR", None)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"échec de « {' '.join(command)} » dans {cwd} :\n{result.stdout}\n{result.stderr}")


def publish(project: Path, code: Path) -> None:
    """Seal, render the PDFs and build ``project`` with the package found in ``code``."""
    for git in (["init", "-q"], ["add", "-A"], ["-c", "user.name=bench", "-c", "user.email=bench@example.org",
                                                  "commit", "-q", "-m", "registre"]):
        subprocess.run(["git", *git], cwd=project, check=True, capture_output=True)
    run([sys.executable, "-c", "from registre.cli import main; main()", "seal"], project, code)
    run([sys.executable, "-c", "from registre.cli import main; main()", "pdf"], project, code)
    run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "site"], project, code)


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
            and not p.relative_to(folder).as_posix().startswith(EXCLUDED)}


def compare(a: Path, b: Path) -> list[str]:
    left, right = files(a), files(b)
    problems = [f"seulement dans la référence : {p}" for p in sorted(left - right)]
    problems += [f"seulement dans la version testée : {p}" for p in sorted(right - left)]
    problems += [f"contenu différent : {p}" for p in sorted(left & right)
                 if not filecmp.cmp(a / p, b / p, shallow=False)]
    return problems


def project_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site", ".cache", ".git", "__pycache__"))
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", required=True, help="révision git de référence (ex. : main, 3a5ea9f)")
    parser.add_argument("--actes", type=int, default=300, help="taille du registre généré (%(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="registre-identique-") as tmp:
        tmp = Path(tmp)
        reference = tmp / "reference-code"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(reference), args.reference],
                       cwd=ROOT, check=True)
        try:
            generated = tmp / "genere"
            subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(args.actes),
                            "--out", str(generated)], check=True, capture_output=True)
            demo = tmp / "demo"
            project_copy(ROOT, demo)
            for extra in ("site_plugins", "tests", "bench", ".ci", "ci"):
                shutil.rmtree(demo / extra, ignore_errors=True)
            failures = 0
            for name, source in (("démo", demo), (f"registre de {args.actes} actes", generated)):
                sites = []
                for label, code in (("reference", reference), ("testee", ROOT)):
                    project = project_copy(source, tmp / f"{source.name}-{label}")
                    publish(project, code)
                    sites.append(project)
                problems = compare(sites[0] / "site", sites[1] / "site")
                ledgers = [p / "acts" / "registre.lock" for p in sites]
                if ledgers[0].read_bytes() != ledgers[1].read_bytes():
                    problems.append("registre scellé (acts/registre.lock) différent")
                count = len(files(sites[0] / "site"))
                if problems:
                    failures += 1
                    print(f"{name} : {len(problems)} différences sur {count} fichiers")
                    for problem in problems[:50]:
                        print("  " + problem)
                else:
                    print(f"{name} : {count} fichiers et le registre scellé identiques octet pour octet "
                          f"(hors pagefind/)")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(reference)], cwd=ROOT, check=False)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
