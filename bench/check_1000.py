"""Benchmark: `registre check` on a register of 1,000 acts.

Usage::

    python bench/check_1000.py            # time 5 runs of the real command
    python bench/check_1000.py --profile  # and print the top of a cProfile

Generates 1,000 valid décisions (copies of one act with numbers 1 to 1,000,
dated through 2025) in a temporary folder with a mkdocs.yml, then runs the
real `registre check` in a subprocess, as staff and CI do. The target of
issue 6 is ≤ 1 s wall clock on the project's machine (2 cores).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "site_plugins"))

MKDOCS_YML = """\
site_name: Registre de mesure
plugins:
  - registre:
      commune: Villeneuve-la-Rivière
      siret: "21660228400012"
      departement: "66"
      date_reference: "2025-12-31"
      tribunal:
        nom: tribunal administratif de Montpellier
        adresse: 6 rue Pitot, 34063 Montpellier Cedex 2
      signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
"""

ACT = """\
---
type: decision
numero: {numero}
date: {day}
objet: Convention de partenariat n°{numero} pour la mise à disposition d'un équipement communal
signataire:
  prenom: Patrick
  nom: PASCAL
  qualite: Maire
matiere: "8.1"
delegation:
  deliberation: 2020-06-11
  alinea: 4
publication:
  date: {day}
transmission:
  date: {day}
  ar: "066-216602284-{compact}-DEC2025_{numero}-AU"
---

**DÉCISION DU MAIRE N°{numero}/2025**

Le Maire de la commune de Villeneuve-la-Rivière,

Vu le code général des collectivités territoriales, notamment ses articles L2122-22 (4°) et L2122-23 ;

Vu la délibération du conseil municipal du 11 juin 2020 portant délégation au Maire ;

**DÉCIDE**

**Article 1 :** de conclure la convention n°{numero}.

**Article 2 :** La présente décision sera communiquée au conseil municipal lors de sa plus proche réunion.

Fait à Villeneuve-la-Rivière, le {day}.

Le Maire,

Patrick PASCAL
"""


def make_register(root: Path, count: int) -> Path:
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    folder = root / "acts" / "2025"
    folder.mkdir(parents=True)
    start = date(2025, 1, 1)
    for numero in range(1, count + 1):
        day = start + timedelta(days=(numero - 1) * 364 // count)
        (folder / f"decision-2025-{numero}.md").write_text(
            ACT.format(numero=numero, day=day.isoformat(), compact=day.strftime("%Y%m%d")), encoding="utf-8")
    return root


def run_check(root: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall clock, CPU time of the process, result). On a machine shared with other
    jobs the wall clock includes waiting for a core; the CPU time does not."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "site_plugins"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "registre.cli", "check"], cwd=root, env=env,
                            capture_output=True, text=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result


def profile(root: Path) -> str:
    from registre.cli.main import main

    cwd = os.getcwd()
    os.chdir(root)
    profiler = cProfile.Profile()
    try:
        with open(os.devnull, "w") as null:
            stdout, sys.stdout = sys.stdout, null
            try:
                profiler.runcall(main, ["check"])
            finally:
                sys.stdout = stdout
    finally:
        os.chdir(cwd)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description="Mesure de « registre check » sur 1 000 actes.")
    parser.add_argument("--count", type=int, default=1000, help="nombre d'actes générés (1000)")
    parser.add_argument("--runs", type=int, default=5, help="nombre de mesures (5)")
    parser.add_argument("--profile", action="store_true", help="afficher le profil cProfile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_register(Path(tmp), args.count)
        times, cpus = [], []
        for _ in range(args.runs):
            elapsed, cpu, result = run_check(root)
            if result.returncode != 0:
                print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
                return 1
            times.append(elapsed)
            cpus.append(cpu)
        print(f"registre check, {args.count} actes : médiane {statistics.median(times):.3f} s, "
              f"min {min(times):.3f} s, max {max(times):.3f} s ({args.runs} mesures, processus complet) ; "
              f"temps processeur : médiane {statistics.median(cpus):.3f} s, min {min(cpus):.3f} s")
        print(f"charge de la machine (1 min) : {os.getloadavg()[0]:.2f} pour {os.cpu_count()} cœurs")
        print(result.stdout.strip().splitlines()[-1])
        if args.profile:
            print(profile(root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
