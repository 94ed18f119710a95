"""The year's printed registers (issue 15): `registre registre-deliberations` and `registre registre-arretes`.

A small register written by hand: a séance with its file (13 March 2025: délibérations n°1 and n°2),
a séance without one (12 June 2025: délibération n°3), a décision du maire (30 May), two arrêtés (one
individual, with a name to mask).  Every expected value below is worked out by hand from these files
and the law (R2121-9, R2122-7, R2122-7-1 CGCT), not from the code under test.
"""

from __future__ import annotations

import re

import pytest
from conftest import VALID_DECISION, Project
from pypdf import PdfReader

COMMUNE = "Villeneuve-la-Rivière"

ACTS = {
    "2025/seance-2025-03-13.md": """\
        ---
        type: seance
        date: 2025-03-13
        heure: "18:30"
        lieu: Salle du conseil municipal
        convocation: 2025-03-06
        membres_en_exercice: 7
        president: {prenom: Patrick, nom: PASCAL, qualite: Maire}
        secretaires:
          - {prenom: Marie, nom: DURAND}
          - {prenom: Jordi, nom: PUIG}
        presents: [Patrick PASCAL, Marie DURAND, Jordi PUIG, Sylvie ROCA, Anne VIDAL]
        pouvoirs:
          - {de: Jean MARTIN, a: Marie DURAND}
        absents: [Luc BERNARD]
        liste:
          publication: {date: 2025-03-17}
        ---
        """,
    "2025/deliberation-2025-1.md": """\
        ---
        type: deliberation
        numero: 1
        date: 2025-03-13
        objet: Vote du budget primitif 2025
        signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
        matiere: "7.1"
        vote: {presents: 5, votants: 6, pour: 6, contre: 0, abstentions: 0}
        publication: {date: 2025-03-17}
        transmission: {date: 2025-03-17, ar: "066-216602284-20250313-DEL2025_1-BF"}
        ---

        **Article 1 :** Le budget primitif 2025 est adopté.
        """,
    "2025/deliberation-2025-2.md": """\
        ---
        type: deliberation
        numero: 2
        date: 2025-03-13
        objet: Tarifs de la salle polyvalente
        signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
        matiere: "3.3"
        portee: reglementaire
        vote: {presents: 5, votants: 6, pour: 4, contre: 1, abstentions: 1}
        publication: {date: 2025-03-17}
        transmission: {date: 2025-03-17, ar: "066-216602284-20250313-DEL2025_2-DE"}
        ---

        **Article 1 :** Les tarifs de la salle polyvalente sont fixés à 150 euros la journée.
        """,
    "2025/deliberation-2025-3.md": """\
        ---
        type: deliberation
        numero: 3
        date: 2025-06-12
        objet: Subventions aux associations
        signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
        matiere: "7.5"
        vote: {presents: 6, votants: 7, pour: 7, contre: 0, abstentions: 0}
        publication: {date: 2025-06-16}
        transmission: {date: 2025-06-16, ar: "066-216602284-20250612-DEL2025_3-DE"}
        ---

        **Article 1 :** Une subvention de 500 euros est attribuée au comité des fêtes.
        """,
    "2025/decision-2025-11.md": VALID_DECISION,
    "2025/arrete-2025-1.md": """\
        ---
        type: arrete
        numero: 1
        date: 2025-02-10
        objet: Réglementation du marché hebdomadaire
        signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
        matiere: "6.1"
        portee: reglementaire
        publication: {date: 2025-02-11}
        transmission: {date: 2025-02-11, ar: "066-216602284-20250210-ARR2025_1-AR"}
        ---

        **Article 1 :** Le marché hebdomadaire se tient le samedi matin, place de la République.
        """,
    "2025/arrete-2025-2.md": """\
        ---
        type: arrete
        numero: 2
        date: 2025-04-01
        objet: Permission de voirie accordée à M. Jean DUPONT
        signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
        matiere: "3.5"
        portee: individuel
        notification: {date: 2025-04-03}
        transmission: {date: 2025-04-02, ar: "066-216602284-20250401-ARR2025_2-AI"}
        masquer: [Jean DUPONT]
        ---

        **Article 1 :** M. Jean DUPONT est autorisé à poser un échafaudage devant sa maison.
        """,
}


def _project(root) -> Project:
    project = Project(root)
    for rel, text in ACTS.items():
        project.add(rel, text)
    return project


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Project:
    project = _project(tmp_path_factory.mktemp("printed") / "registre")
    check = project.registre("check", "acts")
    assert check.returncode == 0, check.stdout + check.stderr  # a clean register (warnings allowed)
    return project


@pytest.fixture(scope="module")
def deliberations(register) -> PdfReader:
    result = register.registre("registre-deliberations", "--annee", "2025", "-o", "sortie/deliberations.pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sortie/deliberations.pdf" in result.stdout
    return PdfReader(register.root / "sortie" / "deliberations.pdf")


@pytest.fixture(scope="module")
def arretes(register) -> PdfReader:
    result = register.registre("registre-arretes", "--annee", "2025")  # default name, current folder
    assert result.returncode == 0, result.stdout + result.stderr
    return PdfReader(register.root / "registre-arretes-2025.pdf")


def _pages(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _text(reader: PdfReader) -> str:
    return " ".join(_pages(reader))


def _body_pages(reader: PdfReader) -> list[str]:
    """The pages before the tables (the tables name every act again)."""
    pages = _pages(reader)
    first_table = next(i for i, text in enumerate(pages) if "Table par date" in text)
    return pages[:first_table]


def _page_of(reader: PdfReader, heading: str) -> int:
    """1-based number of the page where ``heading`` (an act's title in the register) is."""
    found = [i + 1 for i, text in enumerate(_body_pages(reader)) if heading in text]
    assert found, heading
    return found[0]


@pytest.mark.parametrize("which,name", [("deliberations", "Registre des délibérations"),
                                        ("arretes", "Registre des arrêtés")])
def test_every_page_numbered_with_the_commune(request, which, name):
    reader = request.getfixturevalue(which)
    pages = _pages(reader)
    total = len(pages)
    assert total >= 3  # title page, the acts, the tables
    for number, text in enumerate(pages, start=1):
        assert f"Commune de {COMMUNE} — {name} 2025 — page {number}/{total}" in text, (number, text[-200:])
    assert f"Commune de {COMMUNE}" in pages[0] and name in pages[0] and "Année 2025" in pages[0]


def test_seances_and_decisions_in_date_order_with_order_numbers(deliberations):
    body = " ".join(_body_pages(deliberations))
    order = ["Séance du conseil municipal du 13 mars 2025", "Délibération n°1/2025 du 13 mars 2025",
             "Délibération n°2/2025 du 13 mars 2025", "Clôture de la séance du 13 mars 2025",
             "Décision du maire n°11/2025 du 30 mai 2025", "Séance du conseil municipal du 12 juin 2025",
             "Délibération n°3/2025 du 12 juin 2025", "Clôture de la séance du 12 juin 2025"]
    positions = [body.find(heading) for heading in order]
    assert -1 not in positions, dict(zip(order, positions))
    assert positions == sorted(positions), dict(zip(order, positions))
    # R2121-9: a number within the séance — délibération n°3 is the first affaire of 12 June.
    assert "Délibération n°1/2025 du 13 mars 2025 Numéro d'ordre dans la séance : 1" in body
    assert "Délibération n°2/2025 du 13 mars 2025 Numéro d'ordre dans la séance : 2" in body
    assert "Délibération n°3/2025 du 12 juin 2025 Numéro d'ordre dans la séance : 1" in body
    assert "Affaires examinées : numéros d'ordre 1 et 2 (1 : Délibération n°1/2025 ; 2 : Délibération n°2/2025)" \
        in body
    assert "Affaire examinée : numéro d'ordre 1 (1 : Délibération n°3/2025)" in body
    decision = body[positions[4]:positions[5]]
    assert "Délégation" in decision and "Numéro d'ordre" not in decision  # not an affaire of a séance
    assert "2 séances, 3 délibérations et 1 décision du maire" in body
    # Votes, with French plurals: 0 and 1 in the singular.
    assert "5 présents, 6 votants : 4 pour, 1 contre, 1 abstention" in body
    assert "5 présents, 6 votants : 6 pour, 0 contre, 0 abstention" in body
    # The décision: its delegation and its publicity.
    assert "délibération du 11 juin 2020, article L2122-22 du CGCT, 4°" in body
    assert "le maire certifie que la décision du maire n°11/2025 a été publiée sous forme électronique le " \
           "2 juin 2025" in body


def test_presents_and_signature_places(deliberations):
    body = " ".join(_body_pages(deliberations))
    march = body[body.find("Séance du conseil municipal du 13 mars 2025"):body.find("Décision du maire n°11/2025")]
    # From the séance file.
    assert "Présents (5) Patrick PASCAL, Marie DURAND, Jordi PUIG, Sylvie ROCA et Anne VIDAL" in march
    assert "Pouvoirs (1) Jean MARTIN à Marie DURAND" in march
    assert "Absents (1) Luc BERNARD" in march
    assert "Secrétaires de séance Marie DURAND et Jordi PUIG" in march
    assert "Membres en exercice 7" in march
    assert "Quorum 4 membres présents requis, atteint" in march  # more than half of 7
    assert "jeudi 13 mars 2025 à 18 h 30, Salle du conseil municipal" in march
    assert "adressée le 6 mars 2025" in march
    closing = march[march.find("Clôture de la séance du 13 mars 2025"):]
    assert "Membres présents : Patrick PASCAL, Marie DURAND, Jordi PUIG, Sylvie ROCA et Anne VIDAL." in closing
    assert "Le maire Patrick PASCAL" in closing
    assert "Secrétaire de séance Marie DURAND" in closing and "Secrétaire de séance Jordi PUIG" in closing
    # No séance file for 12 June: the présents are to be written by hand, their number from the vote.
    june = body[body.find("Séance du conseil municipal du 12 juin 2025"):]
    assert "Aucun fichier de séance pour cette date" in june and "6 membres présents d'après les votes" in june
    june_closing = june[june.find("Clôture de la séance du 12 juin 2025"):]
    assert "Membres présents :" in june_closing and "Le maire Patrick PASCAL" in june_closing
    assert "Le ou les secrétaires de séance" in june_closing


def test_tables_by_date_and_by_objet_give_the_pages(deliberations):
    pages = _pages(deliberations)
    tables = " ".join(pages[len(_body_pages(deliberations)):])
    by_date, by_objet = tables.split("Table par objet")
    rows = [("13 mars 2025", "Délibération n°1/2025", "(séance, n° d'ordre 1) ", "Vote du budget primitif 2025"),
            ("13 mars 2025", "Délibération n°2/2025", "(séance, n° d'ordre 2) ", "Tarifs de la salle polyvalente"),
            ("30 mai 2025", "Décision du maire n°11/2025", "", "Convention ENT-école 2025-2026"),
            ("12 juin 2025", "Délibération n°3/2025", "(séance, n° d'ordre 1) ", "Subventions aux associations")]
    positions = []
    for day, title, order, objet in rows:
        match = re.search(re.escape(f"{day} {title} {order}{objet} ") + r"(\d+)", by_date)
        assert match, (title, by_date)
        assert int(match.group(1)) == _page_of(deliberations, f"{title} du {day}"), title
        positions.append(match.start())
    assert positions == sorted(positions)
    # By matière of the ACTES nomenclature (national levels 1 and 2), in code order.
    groups = ["3.3 — Domaine et patrimoine / Locations", "7.1 — Finances locales / Décisions budgétaires",
              "7.5 — Finances locales / Subventions", "8.1 — Domaines de compétences par thèmes / Enseignement"]
    found = [by_objet.find(g) for g in groups]
    assert -1 not in found and found == sorted(found), dict(zip(groups, found))
    for group, (title, day) in zip(groups, [("Délibération n°2/2025", "13 mars 2025"),
                                            ("Délibération n°1/2025", "13 mars 2025"),
                                            ("Délibération n°3/2025", "12 juin 2025"),
                                            ("Décision du maire n°11/2025", "30 mai 2025")]):
        section = by_objet.split(group)[1]
        assert f"{day} {title}" in section.split("—")[0] + section[:200], (group, section[:200])


def test_arretes_with_publication_notification_and_masking(arretes):
    text = _text(arretes)
    body = " ".join(_body_pages(arretes))
    first = body.find("Arrêté n°1/2025 (réglementaire) du 10 février 2025")
    second = body.find("Arrêté n°2/2025 (individuel) du 1er avril 2025")
    assert -1 < first < second
    assert "le maire certifie que l'arrêté n°1/2025 a été publié sous forme électronique le 11 février 2025" in body
    assert "Acte de notification : notifié à la personne intéressée le 3 avril 2025" in body
    assert "Acte de publication : sans objet, acte individuel rendu exécutoire par sa notification" in body
    assert "le 11 février 2025, accusé de réception n° 066-216602284-20250210-ARR2025_1-AR" in body
    assert "Signature du maire Patrick PASCAL, Maire" in body
    assert "Jean DUPONT" not in text and "DUPONT" not in text  # masked (CRPA L312-1-2), in the tables too
    assert "Permission de voirie accordée à M. [donnée masquée]" in text
    assert "M. [donnée masquée] est autorisé" in body
    assert "1 arrêté" not in body and "2 arrêtés" in body
    assert "Délibération" not in body and "Décision du maire n°" not in body
    tables = text[text.find("Table par date"):]
    assert re.search(r"10 février 2025 Arrêté n°1/2025 Réglementation du marché hebdomadaire (\d+)", tables)
    assert "6.1 — Libertés publiques et pouvoirs de police / Police municipale" in tables
    assert "3.5 — Domaine et patrimoine / Autres actes de gestion du domaine public" in tables


@pytest.mark.parametrize("which,created", [("deliberations", "2025-06-16T12:00:00+02:00"),
                                           ("arretes", "2025-04-03T12:00:00+02:00")])
def test_pdfa_metadata(request, which, created):
    """PDF/A-3b; its dates are the latest date the register mentions (16 June 2025: publication and
    transmission of délibération n°3; 3 April 2025: notification of arrêté n°2), never the clock."""
    reader = request.getfixturevalue(which)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in root and root["/Lang"] == "fr"
    assert f"<xmp:CreateDate>{created}</xmp:CreateDate>" in xmp
    assert f"<xmp:ModifyDate>{created}</xmp:ModifyDate>" in xmp
    assert reader.metadata.title.startswith(f"Commune de {COMMUNE} — Registre des ")
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descriptor = font["/FontDescriptor"] if "/FontDescriptor" in font else \
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert fonts and all("+Registre-Sans" in f for f in fonts), fonts  # the acts' PDF fonts, embedded subsets


def test_same_register_same_bytes(tmp_path):
    project = _project(tmp_path / "registre")
    for command in ("registre-deliberations", "registre-arretes"):
        first = project.registre(command, "--annee", "2025", "-o", "premier.pdf")
        second = project.registre(command, "--annee", "2025", "-o", "second.pdf")
        assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
        data = (project.root / "premier.pdf").read_bytes()
        assert data == (project.root / "second.pdf").read_bytes(), command
        # Another "today" changes nothing: the register holds no date but the acts' own.
        project.write_config(today="2026-02-02")
        third = project.registre(command, "--annee", "2025", "-o", "troisieme.pdf")
        assert third.returncode == 0, third.stderr
        assert (project.root / "troisieme.pdf").read_bytes() == data, command
        project.write_config()


def _refused(result, code: int, *words: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output
    for word in words:
        assert word in output, (word, output)


def test_errors_in_french(register):
    _refused(register.registre("registre-deliberations", "--annee", "2024", "-o", "vide.pdf"), 1,
             "aucune délibération, aucune décision du maire et aucune séance datées de 2024",
             "Correction : indiquez une année du registre avec --annee", "de 2025")
    assert not (register.root / "vide.pdf").exists()
    _refused(register.registre("registre-arretes", "--annee", "2026"), 1,
             "aucun arrêté daté de 2026", "les arrêtés sont datés de 2025")
    assert not (register.root / "registre-arretes-2026.pdf").exists()
    _refused(register.registre("registre-arretes", "--annee", "25"), 2,
             "« 25 » n'est pas une année", "AAAA")
    _refused(register.registre("registre-deliberations", "--annee", "1700"), 2, "1700 : année impossible")
    _refused(register.registre("registre-deliberations"), 2, "arguments obligatoires manquants", "--annee")
    _refused(register.registre("registre-deliberations", "--annee", "2025", "-o", "registre.txt"), 1,
             "le fichier de sortie doit être un fichier dont le nom finit par « .pdf »",
             "-o registre-deliberations-2025.pdf")
    help_text = register.registre("registre-deliberations", "--help")
    assert help_text.returncode == 0
    assert "Sans -o, le fichier écrit est registre-deliberations-AAAA.pdf dans le dossier courant" \
        in " ".join(help_text.stdout.split())
    assert "R2121-9" in help_text.stdout


def test_register_with_errors_is_not_printed(tmp_path):
    project = _project(tmp_path / "registre")
    project.add("2025/arrete-2025-3.md", ACTS["2025/arrete-2025-1.md"].replace("numero: 1", "numero: 3")
                .replace("date: 2025-02-10", "date: 2025-02-30"))
    _refused(project.registre("registre-arretes", "--annee", "2025"), 1,
             "acts/2025/arrete-2025-3.md", "n'existe pas", "le registre a des erreurs",
             "Correction : corrigez-les (registre check les liste)")
    assert not (project.root / "registre-arretes-2025.pdf").exists()


@pytest.mark.parametrize("command", ["registre-deliberations", "registre-arretes", "pdf"])
def test_a_year_in_other_digits_is_refused(project, command):
    """« ２０２５ » (full-width digits) is not a year the commands accept: four ASCII digits only."""
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    result = project.registre(command, "--annee", "２０２５")
    assert result.returncode != 0
    assert "n'est pas une année" in result.stderr and "Traceback" not in result.stderr, result.stderr
