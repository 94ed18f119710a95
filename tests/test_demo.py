"""The demo register of Villeneuve-la-Rivière (issue 2, "Done when")."""

from __future__ import annotations

import re

import pytest
from test_site import text_of


def test_demo_checks_with_its_one_late_liste(sealed_demo):
    """The demo's séance of 3 July 2025 put its liste des délibérations online on 15 July: later than
    the week of L2121-25 (due 10 July), a warning shown on purpose; nothing else is reported (the PV of
    10 April, arrêté on 3 July and online on 8 July, is within its week).  The demo ships sealed: every
    act and séance online is in acts/registre.lock, unchanged (no integrity error nor reminder)."""
    demo = sealed_demo
    result = demo.registre("check", "acts")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 erreur, 1 avertissement" in result.stdout + result.stderr, result.stdout + result.stderr
    warning = [line for line in result.stdout.splitlines() if "avertissement:" in line]
    assert len(warning) == 1 and warning[0].startswith("acts/2025/seance-2025-07-03.md:"), result.stdout
    assert "15 juillet 2025" in warning[0] and "10 juillet 2025" in warning[0], warning[0]
    strict = demo.registre("check", "acts", "--strict")
    assert strict.returncode == 0, strict.stdout + strict.stderr  # a delay reminder never blocks


def test_demo_builds_strict(sealed_demo):
    result = sealed_demo.build("--strict")
    assert result.returncode == 0, result.stdout + result.stderr


def test_seed_act_page(built_demo):
    page = text_of(built_demo.page("actes/decision-2025-11"))
    for expected in ("Décision du maire n°11/2025", "30 mai 2025", "Patrick PASCAL, Maire",
                     "ENT", "illustrati",  # the note says AR and publication date are illustrative
                     "066-216602284-20250530-", "Registre de démonstration"):
        assert expected in page, expected
    assert "Le Mane" not in page and "'3 0 MAI" not in page


def test_demo_shows_every_feature(built_demo):
    donne_acte = text_of(built_demo.page("donne-acte"))
    assert "Décision du maire n°13/2025" in donne_acte.split("Décisions rapportées")[0]  # not yet reported
    assert "Séance du 3 juillet 2025" in donne_acte
    modified = text_of(built_demo.page("actes/deliberation-2025-2"))
    assert "modifié" in modified and "Modifié par Délibération n°5/2025" in modified
    not_transmitted = text_of(built_demo.page("actes/arrete-2025-3"))
    assert "non requise" in not_transmitted
    individual = text_of(built_demo.page("actes/arrete-2025-2"))
    assert "Notifié le" in individual and "à compter de sa notification" in individual


DECISION = "acts/2025/decision-2025-12.md"


def _drop_block(text: str, key: str) -> str:
    """Remove a top-level key and its indented continuation lines."""
    return re.sub(rf"^{key}:.*\n(?:[ \t]+.*\n)*", "", text, count=1, flags=re.M)


MUTATIONS = {
    "transmission-supprimee": (DECISION, lambda t: _drop_block(t, "transmission"), "transmission"),
    "signataire-supprime": ("acts/2025/arrete-2025-1.md", lambda t: _drop_block(t, "signataire"), "signataire"),
    "date-impossible": (DECISION, lambda t: re.sub(r"^date: .*$", "date: 2025-02-30", t, count=1, flags=re.M),
                        "n'existe pas"),
    "ar-mal-forme": (DECISION, lambda t: re.sub(r'ar: "?066-[^"\n]*"?', 'ar: "066-2166-XX"', t, count=1),
                     "mal formé"),
    "ar-mauvais-siren": (DECISION, lambda t: t.replace("216602284", "216602285", 1), "SIREN"),
    "numero-en-double": (DECISION, lambda t: re.sub(r"^numero: .*$", "numero: 11", t, count=1, flags=re.M),
                         "numéro en double"),
    "decision-sans-delegation": (DECISION, lambda t: _drop_block(t, "delegation"), "délégation"),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_demo_mutation_fails_check_and_build(demo, name):
    rel, mutate, words = MUTATIONS[name]
    path = demo.root / rel
    before = path.read_text(encoding="utf-8")
    after = mutate(before)
    assert after != before
    path.write_text(after, encoding="utf-8")

    check = demo.registre("check", "acts")
    assert check.returncode == 1, check.stdout + check.stderr
    assert rel in check.stdout and words in check.stdout, check.stdout
    build = demo.build()
    assert build.returncode != 0
    output = build.stdout + build.stderr
    assert rel in output and words in output
    assert "Traceback" not in output + check.stdout + check.stderr


def test_demo_ships_sealed_and_its_documents_verify(built_demo):
    """Issue 16: the demo's acts/registre.lock is the one « registre seal » writes on 15 December 2025
    (REGISTRE_DATE=2025-12-15 registre seal): every document the built demo publishes, acts' and
    séances' alike, verifies on « Vérifier un document » as sealed that day, none as « pas encore
    inscrit »."""
    import hashlib
    import json

    from registre.publish.verify_page import read_published_hashes

    lines = [json.loads(line) for line in (built_demo.acts / "registre.lock").read_text(encoding="utf-8").splitlines()]
    # 12 acts online (all published by 31 October 2025) and the two séances, each with its liste online;
    # then a new version of both listes (their wording changed after the first seal: « à afficher à la
    # mairie »), recorded as complements, as registre seal does in a commune's CI: the ledger only grows.
    assert [line["evenement"] for line in lines] == ["scellement"] * 12 + ["seance"] * 2 + ["complement"] * 2
    assert [line["seance"] for line in lines[12:]] == ["seance-2025-04-10", "seance-2025-07-03"] * 2
    assert [f["role"] for line in lines[14:] for f in line["fichiers"]] == ["liste", "liste"]
    assert {line["scelle_le"] for line in lines} == {"2025-12-15"}
    table = read_published_hashes(built_demo.site)
    items = [item for found in table.values() for item in found]
    assert items and all(item["scelle_le"] == "2025-12-15" for item in items), \
        [i for i in items if i["scelle_le"] != "2025-12-15"]
    for rel in ("seances/2025-04-10/liste-des-deliberations-2025-04-10.pdf",
                "seances/2025-04-10/proces-verbal-2025-04-10.pdf",
                "seances/2025-07-03/liste-des-deliberations-2025-07-03.pdf",
                "actes/decision-2025-11/decision-2025-11.pdf"):
        digest = hashlib.sha256((built_demo.site / rel).read_bytes()).hexdigest()
        assert [(i["fichier"], i["scelle_le"], i["actuel"]) for i in table[digest]] == [(rel, "2025-12-15", True)]
    assert (built_demo.site / "verifier/registre.lock").read_bytes() == (built_demo.acts / "registre.lock").read_bytes()
