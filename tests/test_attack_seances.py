"""Attack pass on the séance features (issue 15): what a pedantic jurist, a resident or an attacker
finds false, unsafe or crashing in the séance pages, their PDFs and the printed registers.

« Today » is 15 December 2025 everywhere (``DEMO_TODAY``).  Expected values are worked out by hand:

* a publication dated 20 December 2025 has not happened on 15 December: no document may certify it;
* a séance dated 18 December 2025 has not been held on 15 December: no présents, no quorum reached;
* the numéro d'ordre of a délibération within its séance (R2121-9) is its rank among all the affaires
  of the séance, published or not: it never changes when another délibération goes online.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DEMO_TODAY, MKDOCS_YML, VALID_DECISION, Project, assert_ok
from pypdf import PdfReader
from test_printed_registers import ACTS


def pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


# -- the printed registers never certify what has not happened --------------------------------------

SCHEDULED_DECISION = VALID_DECISION.replace("numero: 11", "numero: 12").replace(
    "date: 2025-05-30", "date: 2025-12-12").replace("objet: Convention ENT-école 2025-2026",
                                                    "objet: Contrat de déneigement").replace(
    "publication: {date: 2025-06-02}", "publication: {date: 2025-12-20}").replace(
    'transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}', "transmission: {en_attente: true}")

SCHEDULED_ARRETE = """\
---
type: arrete
numero: 3
date: 2025-12-12
objet: Circulation pendant le marché de Noël
signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
matiere: "6.1"
portee: reglementaire
publication: {date: 2025-12-20}
transmission: {en_attente: true}
---

**Article 1 :** La circulation est interdite place de la République.
"""

SEANCE_0612 = """\
---
type: seance
date: 2025-06-12
lieu: Salle du conseil municipal
convocation: 2025-06-05
membres_en_exercice: 7
president: {prenom: Patrick, nom: PASCAL, qualite: Maire}
secretaires:
  - {prenom: Marie, nom: DURAND}
presents: [Patrick PASCAL, Marie DURAND, Jordi PUIG, Sylvie ROCA, Anne VIDAL, Luc BERNARD]
pouvoirs:
  - {de: Jean MARTIN, a: Marie DURAND}
liste:
  publication: {date: 2025-06-16}
---
"""

# A séance to come: its file is written in advance (convocation sent), it has not been held.
SEANCE_FUTURE = """\
---
type: seance
date: 2025-12-18
lieu: Salle des fêtes
convocation: 2025-12-10
membres_en_exercice: 7
president: {prenom: Patrick, nom: PASCAL, qualite: Maire}
secretaires:
  - {prenom: Marie, nom: DURAND}
presents: [Patrick PASCAL, Marie DURAND, Jordi PUIG, Sylvie ROCA, Anne VIDAL, Luc BERNARD]
pouvoirs:
  - {de: Jean MARTIN, a: Marie DURAND}
---
"""


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("attack") / "registre")
    for rel, text in ACTS.items():
        project.add(rel, text)
    # The PV of 13 March, arrêté on 12 June, is to go online on 18 December (not yet).
    seance = project.acts / "2025/seance-2025-03-13.md"
    seance.write_text(seance.read_text(encoding="utf-8").replace(
        "liste:\n  publication: {date: 2025-03-17}\n",
        "liste:\n  publication: {date: 2025-03-17}\nproces_verbal:\n  arrete_le: 2025-06-12\n"
        "  publication: {date: 2025-12-18}\n"), encoding="utf-8")
    project.add("2025/seance-2025-06-12.md", SEANCE_0612, dedent=False)
    project.add("2025/seance-2025-12-18.md", SEANCE_FUTURE, dedent=False)
    project.add("2025/decision-2025-12.md", SCHEDULED_DECISION, dedent=False)
    project.add("2025/arrete-2025-3.md", SCHEDULED_ARRETE, dedent=False)
    check = project.registre("check")
    assert check.returncode == 0, check.stdout + check.stderr
    return project


def printed(project: Project, command: str, name: str) -> str:
    result = project.registre(command, "--annee", "2025", "-o", f"sortie/{name}.pdf")
    assert_ok(result)
    return pdf_text(project.root / "sortie" / f"{name}.pdf")


def test_registre_deliberations_certifies_no_publication_to_come(scheduled):
    text = printed(scheduled, "registre-deliberations", "deliberations")
    assert "Contrat de déneigement" in text  # the décision is inscribed (by date), it was taken
    assert "publiée sous forme électronique le 20 décembre 2025" not in text
    assert "non encore publiée au 15 décembre 2025 (mise en ligne prévue le 20 décembre 2025)" in text
    # The décision published on 2 June is certified as before.
    assert "publiée sous forme électronique le 2 juin 2025" in text


def test_registre_arretes_certifies_no_publication_to_come(scheduled):
    text = printed(scheduled, "registre-arretes", "arretes")
    assert "Circulation pendant le marché de Noël" in text
    assert "publié sous forme électronique le 20 décembre 2025" not in text
    assert "non encore publié au 15 décembre 2025 (mise en ligne prévue le 20 décembre 2025)" in text
    assert "publié sous forme électronique le 11 février 2025" in text


def test_registre_deliberations_states_no_pv_online_before_its_date(scheduled):
    text = printed(scheduled, "registre-deliberations", "deliberations-pv")
    assert "arrêté lors de la séance du 12 juin 2025" in text
    assert "mis en ligne le 18 décembre 2025" not in text
    assert "mise en ligne prévue le 18 décembre 2025" in text


def test_registre_deliberations_has_no_seance_not_yet_held(scheduled):
    text = printed(scheduled, "registre-deliberations", "deliberations-futur")
    assert "Salle des fêtes" not in text
    assert "18 décembre 2025" not in text.replace("mise en ligne prévue le 18 décembre 2025", "")
    assert "Séance du conseil municipal du 12 juin 2025" in text
    # 13 March, 12 June: two séances held in 2025 (the one of 18 December is to come).
    assert "2 séances" in text


ARRETE_AFFICHE = """\
---
type: arrete
numero: 1
date: 2025-04-10
objet: Réglementation du stationnement
signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
matiere: "6.1"
portee: reglementaire
publication: {date: 2025-04-12}
affichage: {date: 2025-04-14}
transmission: {date: 2025-04-11, mode: papier}
---

**Article 1 :** Le stationnement est interdit rue Haute.
"""


@pytest.mark.parametrize("mode", ["affichage", "papier"])
def test_registre_arretes_certifies_the_legal_publicity_of_the_commune(tmp_path, mode):
    """Under « publicite: affichage » (or papier, L2131-1 IV CGCT) the act of publication is the posting
    at the mairie (or the paper publication), not an electronic publication; the transmission on paper
    is said to be on paper."""
    project = Project(tmp_path / "registre")
    config = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    (project.root / "mkdocs.yml").write_text(config.replace(
        "  - registre:\n", f"  - registre:\n      habitants: 1500\n      publicite: {{mode: {mode}, "
                           "deliberation: 2022-06-30}\n"), encoding="utf-8")
    text = ARRETE_AFFICHE if mode == "affichage" else ARRETE_AFFICHE.replace(
        "publication: {date: 2025-04-12}\naffichage: {date: 2025-04-14}", "publication: {date: 2025-04-12, mode: papier}")
    project.add("2025/arrete-2025-1.md", text, dedent=False)
    pdf = printed(project, "registre-arretes", "arretes")
    assert "sous forme électronique" not in pdf
    if mode == "affichage":
        assert ("le maire certifie que l'arrêté n°1/2025 a été affiché à la mairie le 14 avril 2025 et mis en ligne, "
                "pour information, le 12 avril 2025") in pdf
    else:
        assert "le maire certifie que l'arrêté n°1/2025 a été publié sur papier le 12 avril 2025" in pdf
    assert "Transmission au représentant de l'État : le 11 avril 2025 sur papier (récépissé de la préfecture)" in pdf


# -- the séance page: numéros d'ordre, dates not come --------------------------------------------

@pytest.fixture(scope="module")
def first_scheduled(tmp_path_factory) -> Project:
    """The register of test_seance_pages with délibération n°1 of 3 July scheduled for 20 December:
    n°2 is the second affaire of the séance, whatever is online."""
    from test_seance_pages import deliberation, make_register

    project = make_register(tmp_path_factory.mktemp("ordre") / "registre")
    project.add("2025/deliberation-2025-1.md", deliberation(1, "2025-07-03", "Budget supplémentaire 2025",
                                                            "2025-12-20"), dedent=False)
    assert_ok(project.build())
    return project


def test_the_order_within_the_seance_does_not_change_when_an_act_goes_online(first_scheduled):
    from test_seance_pages import article, section, text_of

    liste = section(article(first_scheduled.page("seances/2025-07-03")), "liste-titre")
    rows = [text_of(r) for r in re.findall(r"<tr>(.*?)</tr>", liste.split("<tbody>", 1)[1], re.S)]
    # n°1 (scheduled) is affaire 1, n°2 affaire 2, n°5 (scheduled) affaire 3: the printed register says so.
    assert rows == ["2 Délibération n°2/2025 Tarifs de la cantine scolaire rejetée 4 pour, 9 contre, 0 abstention "
                    "(11 présents, 13 votants)"]
    assert "Budget supplémentaire 2025" not in first_scheduled.page("seances/2025-07-03")
    liste_pdf = pdf_text(first_scheduled.site / "seances/2025-07-03/liste-des-deliberations-2025-07-03.pdf")
    assert "2 n°2/2025 Tarifs de la cantine scolaire" in liste_pdf
    assert "1 n°2/2025" not in liste_pdf


def test_a_pv_arrete_at_a_seance_not_yet_held_is_an_error(tmp_path):
    from test_seance_pages import make_register

    project = make_register(tmp_path / "registre")
    # 11 December's PV « arrêté » on 15 January 2026: that séance has not been held on 15 December 2025.
    path = project.acts / "2025/seance-2025-12-11.md"
    text = path.read_text(encoding="utf-8").replace("absents:", "proces_verbal:\n  arrete_le: 2026-01-15\nabsents:")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  arrete_le: 2026-01-15") + 1
    check = project.registre("check")
    assert check.returncode == 1 and "Traceback" not in check.stdout + check.stderr
    assert re.search(rf"acts/2025/seance-2025-12-11\.md:{line}: erreur: .*15 janvier 2026.*postérieure à aujourd'hui"
                     r".*Correction : ", check.stdout), check.stdout


# -- no script on a séance page, nor in the PDF of its procès-verbal ------------------------------

@pytest.fixture(scope="module")
def pv_payload_site(tmp_path_factory) -> Project:
    """The register of test_seance_pages whose published PV (3 July) holds every payload of
    test_html_policy, built in this process with the check's HTML rules (for acts and for the PV)
    replaced by rules that find nothing: what reaches the séance page is stopped by the sanitiser
    or not at all.  Fields cannot hold a tag (the check refuses them, and they are autoescaped)."""
    from test_html_policy import PAYLOADS, build_without_html_check, with_extensions
    from test_seance_pages import make_register

    from registre.checks import seances

    project = make_register(tmp_path_factory.mktemp("pv-payloads") / "registre")
    with_extensions(project)  # attr_list and the others the payloads need
    path = project.acts / "2025/seance-2025-07-03.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + "\n\n".join(p for p, _ in PAYLOADS.values()) + "\n",
                    encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(seances, "check_body", lambda body: [])
        build_without_html_check(project)
    return project


def test_the_seance_page_carries_no_payload(pv_payload_site):
    from test_html_policy import dangers

    html = pv_payload_site.page("seances/2025-07-03")
    assert "Ouverture de la séance" in html  # the PV is published on this page
    article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S).group(1)
    assert dangers(article) == []
    assert 'http-equiv="Content-Security-Policy"' in html


@pytest.mark.browser
def test_nothing_runs_on_the_seance_pages_in_chromium(pv_payload_site):
    """The séance page (PV with payloads) and the séances index, CSP off then on: hover every element,
    fire every event, click every link: nothing runs, no CSP violation."""
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS, Server
    from test_html_policy import FIRE_EVENTS, HOVER_COUNT, HOVER_TARGET

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} est absent : installez le paquet Debian « chromium ».")
    server = Server(pv_payload_site.site)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for bypass_csp in (True, False):
                context = chromium.new_context(bypass_csp=bypass_csp)
                page = context.new_page()
                ran: list[str] = []
                page.on("dialog", lambda dialog: (ran.append(f"dialog {dialog.message}"), dialog.dismiss()))
                page.on("console", lambda message: message.text.startswith("CSP") and ran.append(message.text))
                page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                                     "console.log('CSP ' + e.violatedDirective + ' ' + e.blockedURI));")
                page.route(re.compile(r"^(?!http://127\.0\.0\.1)"), lambda route: route.abort())
                for uri in ("seances/2025-07-03/", "seances/"):
                    page.goto(server.url + uri)
                    page.wait_for_load_state("load")
                    assert page.evaluate("typeof __md_get") == "function"
                    for index in range(page.evaluate(HOVER_COUNT) if bypass_csp else 0):
                        centre = page.evaluate(HOVER_TARGET, index)
                        if centre is not None:
                            page.mouse.move(*centre)
                    page.evaluate(FIRE_EVENTS)
                    page.wait_for_timeout(100)
                    if page.evaluate("window.__xss") is not None:
                        ran.append(f"window.__xss on {uri}")
                    assert ran == [], (uri, ran)
                context.close()
            chromium.close()
    finally:
        server.close()


def test_the_pv_pdf_has_no_script_and_only_safe_links(pv_payload_site):
    """The PV's PDF/A, rendered from the same payloads: no JavaScript, Launch or OpenAction, link
    annotations only http(s), mailto, tel."""
    import io

    from test_html_policy import TEST_ALLOWED_SCHEMES, URL_SCHEME_RE

    from registre.build.load import load_register
    from registre.domain.config import load_config
    from registre.publish.seance_files import SeancePdfs
    from registre.publish.pdf import render_pdf

    root = pv_payload_site.root
    register = load_register(root / "acts", load_config(root / "mkdocs.yml"), run_rules=False)
    pdfs = SeancePdfs(register, root / ".cache-test", "https://registre.test/")
    view = next(v for v in pdfs.views if v.day.isoformat() == "2025-07-03")
    reader = PdfReader(io.BytesIO(render_pdf(pdfs.job(view, "proces-verbal"))))
    assert "Ouverture de la séance" in " ".join(p.extract_text() for p in reader.pages)
    for pdf_page in reader.pages:
        for annotation in pdf_page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                action = action.get_object()
                assert action.get("/S") not in {"/JavaScript", "/Launch"}, action
                if "/URI" in action:
                    scheme = URL_SCHEME_RE.match(str(action["/URI"]))
                    assert scheme is None or scheme.group(1).lower() in TEST_ALLOWED_SCHEMES, action
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/JavaScript" not in (catalog.get("/Names") or {})
