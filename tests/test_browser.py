"""The built site in a real browser: search, filters, keyboard, axe-core, phone and desktop widths (issue 5).

Chromium is Debian's (/usr/bin/chromium, installed by .ci/run), driven by Playwright for Python; the
built demo is served over HTTP on 127.0.0.1.  axe-core comes with the axe-playwright-python package.
Run alone with ``python -m pytest -m browser``.  Screenshots are written under pytest's temporary
folder (the path is printed with ``-s``).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from datetime import date
from pathlib import Path

import pytest
from conftest import VALID_DECISION, Project
from test_scale import two_year_register

from registre.domain.dates import MONTHS

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (360, 1280)


# -- serving and driving ------------------------------------------------------

class Server:
    """A built site served by http.server in a thread, on a free port of 127.0.0.1."""

    def __init__(self, root: Path):
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
        self.root = root
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def demo_site(built_demo):
    server = Server(built_demo.site)
    yield server
    server.close()


@pytest.fixture(scope="module")
def two_years_site(tmp_path_factory):
    """A small register over 2024 and 2025, to see the year and type filters at work."""
    project = two_year_register(tmp_path_factory.mktemp("two-years") / "registre", options="")
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    server = Server(project.site)
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} est absent : installez le paquet Debian « chromium » (apt-get install chromium).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    assert not page.js_errors, page.js_errors
    page.context.close()


def expect():
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect


def wait_for_results(page, text: str | None = None):
    """Until the result count shows (optionally containing ``text``) and the results have rendered."""
    summary = page.locator("pagefind-summary")
    expect()(summary).to_contain_text(text or "résultat", timeout=15000)
    page.wait_for_function("() => !document.querySelector('.pf-results[aria-busy=\"true\"]')")
    page.wait_for_timeout(150)


def result_count(page) -> int:
    return int(re.search(r"(\d+) résultats?", page.locator("pagefind-summary").inner_text())[1])


def result_titles(page) -> list[str]:
    """Titles of all results: the list is lazy, so it is scrolled to the end first."""
    expected = result_count(page)
    links = page.locator(".pf-result-link")
    for _ in range(20):
        if links.count() >= expected:
            break
        page.evaluate("""async () => {  // each result in view in turn (the list may be redrawn meanwhile)
            for (const el of document.querySelectorAll('.pf-result')) {
                el.scrollIntoView({block: 'center'});
                await new Promise(done => setTimeout(done, 30));
            }
        }""")
        page.wait_for_timeout(100)
    assert links.count() == expected, (links.count(), expected)
    return [t.strip() for t in links.all_inner_texts()]


def result_dates(page) -> list[date]:
    result_titles(page)
    months = {m: i for i, m in enumerate(MONTHS, start=1)}
    found = []
    for text in page.locator(".registre-result__meta").all_inner_texts():
        day, month, year = re.search(r"du (\d{1,2})(?:er)? (\w+) (\d{4})", text).groups()
        found.append(date(int(year), months[month], int(day)))
    return found


def pagefind_urls(page, query: str) -> set[str]:
    """The engine itself, through Pagefind's JavaScript API, on the page's own bundle."""
    return set(page.evaluate("""async (q) => {
        // Every part of the index (one or more per year, see registre/search.py), merged.
        const root = document.querySelector('[data-registre-search]');
        const base = root.dataset.registreBase;
        const parts = JSON.parse(root.dataset.registreParts);
        const pagefind = await import(base + parts[0].chemin + 'pagefind.js');
        await pagefind.options({bundlePath: base + parts[0].chemin, baseUrl: base});
        for (const part of parts.slice(1)) await pagefind.mergeIndex(base + part.chemin, {baseUrl: base});
        const search = await pagefind.search(q);
        return Promise.all(search.results.map(r => r.data().then(d => d.url)));
    }""", query))


# -- search -------------------------------------------------------------------

def test_search_ent_from_the_header_reaches_decision_11(page, demo_site):
    page.goto(demo_site.url)
    page.fill("#registre-header-q", "ENT")
    page.press("#registre-header-q", "Enter")
    page.wait_for_url(re.compile(r"/recherche/\?q=ENT$"))
    wait_for_results(page, "pour ENT")
    assert page.locator("pagefind-input input").input_value() == "ENT"
    first = page.locator(".pf-result").first
    expect()(first.locator(".pf-result-link")).to_have_text("Décision du maire n°11/2025")
    expect()(first).to_contain_text("du 30 mai 2025")  # type, number, date and objet in the result
    expect()(first).to_contain_text("environnement numérique de travail ENT-école")
    first.locator(".pf-result-link").click()
    page.wait_for_url(re.compile(r"/actes/decision-2025-11/$"))
    status = page.locator(".registre-status-block")
    expect()(status).to_contain_text("Exécutoire")
    expect()(status).to_contain_text("depuis le 2 juin 2025")
    expect()(status).to_contain_text("Recours possible")
    expect()(status).to_contain_text("Statut")


def test_search_ignores_accents_and_case(page, demo_site):
    page.goto(demo_site.url + "recherche/")
    arretes = {f"/actes/{p.name}/" for p in (demo_site.root / "actes").glob("arrete-*")}
    assert len(arretes) >= 2
    found = {q: pagefind_urls(page, q) for q in ("arrêté", "arrete", "ARRETE", "Arrêtés")}
    assert found["arrete"] == found["arrêté"] == found["ARRETE"], found
    assert arretes <= found["arrete"]
    assert found["Arrêtés"] >= arretes  # French stemming: the plural finds the singular
    deliberations = {f"/actes/{p.name}/" for p in (demo_site.root / "actes").glob("deliberation-*")}
    assert deliberations <= pagefind_urls(page, "deliberation") == pagefind_urls(page, "délibération")
    # In the page: « ecole » (no accent) lists the décision about the school's ENT.
    page.goto(demo_site.url + "recherche/?q=ecole")
    wait_for_results(page, "pour ecole")
    assert "Décision du maire n°11/2025" in result_titles(page)


def test_filter_by_year_and_type(page, two_years_site):
    page.goto(two_years_site.url + "recherche/")
    wait_for_results(page)
    assert result_count(page) == 6  # no query: every act, newest first
    year_group = page.locator("details[data-filter-name='année']")
    year_group.locator("summary").click()
    year_group.get_by_label(re.compile(r"^2024")).check()
    wait_for_results(page, "3 résultats")
    assert sorted(result_titles(page)) == ["Arrêté n°1/2024", "Délibération n°1/2024", "Délibération n°2/2024"]
    assert "ann%C3%A9e=2024" in page.url  # the address keeps the filters: shareable
    page.locator("details[data-filter-name='type']").get_by_label(re.compile(r"^Délibération")).check()
    wait_for_results(page, "2 résultats")
    assert result_titles(page) == ["Délibération n°2/2024", "Délibération n°1/2024"]
    year_group.get_by_label(re.compile(r"^2024")).uncheck()
    wait_for_results(page, "3 résultats")
    assert set(result_titles(page)) == {"Délibération n°1/2025", "Délibération n°2/2024", "Délibération n°1/2024"}
    # The same filters from an address (a bookmarked search).
    page.goto(two_years_site.url + "recherche/?q=tarifs&type=D%C3%A9lib%C3%A9ration&ann%C3%A9e=2025")
    wait_for_results(page, "pour tarifs")
    assert result_titles(page) == ["Délibération n°1/2025"]
    assert page.locator("details[data-filter-name='année'] input[value='2025']").is_checked()


def test_sort_by_date(page, two_years_site):
    page.goto(two_years_site.url + "recherche/")
    wait_for_results(page)
    dates = result_dates(page)
    assert dates == sorted(dates, reverse=True) and len(dates) == 6
    page.select_option("#registre-tri", "asc")
    page.wait_for_url(re.compile(r"tri=asc"))
    wait_for_results(page)
    expect()(page.locator(".pf-result-link").first).to_have_text("Arrêté n°1/2024")  # 3 March 2024
    dates = result_dates(page)
    assert dates == sorted(dates) and len(dates) == 6


# -- keyboard ------------------------------------------------------------------

def tab_to(page, predicate: str, limit: int = 60) -> int:
    """Press Tab until ``predicate`` (JS, on document.activeElement as ``el``) holds; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            return presses
    raise AssertionError(f"focus never reached: {predicate}")


def test_keyboard_only_search_and_filters(page, two_years_site):
    page.goto(two_years_site.url)
    # First stop: the skip link; it moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    # From the top again: the header search box, type, Enter.
    page.goto(two_years_site.url)
    tab_to(page, "el.id === 'registre-header-q'")
    page.keyboard.type("tarifs")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/\?q=tarifs$"))
    wait_for_results(page, "3 résultats pour tarifs")
    # Filter with the keyboard: open the année group (Enter on its title), tick 2025 (Space).
    tab_to(page, "el.tagName === 'SUMMARY' && el.textContent.includes('Année')")
    page.keyboard.press("Enter")
    tab_to(page, "el.type === 'checkbox' && el.value === '2025'")
    page.keyboard.press("Space")
    wait_for_results(page, "1 résultat pour tarifs")
    # Reach the result and open it.
    tab_to(page, "el.classList.contains('pf-result-link')")
    card_ring = page.evaluate("getComputedStyle(document.activeElement.closest('.pf-result-card')).boxShadow")
    assert card_ring not in ("", "none"), "the focused result shows no focus indicator"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/actes/deliberation-2025-1/$"))


# -- accessibility (axe-core) -------------------------------------------------

def template_pages(site: Path) -> dict[str, str]:
    """One page per template of the built site: {name: path relative to the site root}."""
    def first(pattern: str) -> str:
        found = sorted(site.glob(pattern))
        assert found, pattern
        return found[0].parent.relative_to(site).as_posix() + "/"
    pages = {
        "accueil": "",
        "registre": "registre/",
        "liste du registre": first("registre/[0-9]*/*/index.html"),
        "matières": "registre/matieres/",
        "une matière": first("registre/matieres/*/index.html"),
        "acte": "actes/decision-2025-11/",
        "annexe": first("actes/*/annexes/*/index.html"),
        "séances": "seances/",
        "séance": first("seances/*/index.html"),
        "donné acte": "donne-acte/",
        "recherche (résultats)": "recherche/?q=ENT",
        "recherche (filtres)": "recherche/?type=Arr%C3%AAt%C3%A9",
        "données ouvertes": "donnees/",
        "déclaration d'accessibilité": "accessibilite/",
        "aide": "format-des-actes/",
    }
    if (site / "verifier" / "index.html").exists():
        pages["vérification"] = "verifier/"
    return pages


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in results.response["violations"]]


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_any_template(browser, demo_site, width):
    page = new_page(browser, width=width)
    problems = {}
    for name, uri in template_pages(demo_site.root).items():
        page.goto(demo_site.url + uri)
        if uri.startswith("recherche/"):
            wait_for_results(page)
            toggle = page.locator(".registre-search__filters-toggle")
            if toggle.get_attribute("aria-expanded") == "false":  # folded on a phone
                toggle.click()
            for summary in page.locator("summary.pf-filter-group-title").all():  # every filter shown
                if not summary.evaluate("el => el.parentElement.open"):
                    summary.click()
            page.wait_for_timeout(200)
        violations = axe_violations(page)
        if violations:
            problems[f"{name} ({uri})"] = violations
        overflow = page.evaluate("document.documentElement.scrollWidth")
        if overflow > width:
            problems.setdefault(f"{name} ({uri})", []).append(f"page {overflow} px wide at {width} px")
    page.context.close()
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())


# -- phone and desktop ----------------------------------------------------------

def test_screenshots_at_360_and_1280(browser, demo_site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("captures")
    shots = {"accueil": "", "acte": "actes/decision-2025-11/", "recherche": "recherche/?q=ENT"}
    for width in WIDTHS:
        page = new_page(browser, width=width, height=800)
        for name, uri in shots.items():
            page.goto(demo_site.url + uri)
            if uri.startswith("recherche/"):
                wait_for_results(page, "pour ENT")
                result_titles(page)  # scrolls the lazy list: every result drawn
                page.evaluate("window.scrollTo(0, 0)")
            path = folder / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        # The header offers the search form on a wide screen, a link to the search page on a phone.
        page.goto(demo_site.url)
        form_shown = page.locator(".registre-header-search").is_visible()
        link_shown = page.locator(".registre-header-search__link").is_visible()
        assert (form_shown, link_shown) == ((False, True) if width < 960 else (True, False)), width
        page.context.close()
    print(f"\ncaptures d'écran : {folder}")


def test_filters_fold_on_a_phone(browser, two_years_site):
    page = new_page(browser, width=360, height=740)
    page.goto(two_years_site.url + "recherche/?q=tarifs")
    wait_for_results(page, "pour tarifs")
    toggle = page.get_by_role("button", name="Filtrer les actes")
    expect()(toggle).to_have_attribute("aria-expanded", "false")
    expect()(page.locator("pagefind-filter-pane")).to_be_hidden()
    assert page.locator(".pf-result").first.bounding_box()["y"] < 740  # a result on the first screen
    toggle.click()
    expect()(toggle).to_have_attribute("aria-expanded", "true")
    page.locator("details[data-filter-name='type']").get_by_label(re.compile(r"^Délibération")).check()
    wait_for_results(page, "3 résultats pour tarifs")
    # A search with filters in its address opens them: the citizen sees what narrows the list.
    page.goto(two_years_site.url + "recherche/?q=tarifs&ann%C3%A9e=2024")
    wait_for_results(page, "2 résultats pour tarifs")
    expect()(page.get_by_role("button", name="Filtrer les actes")).to_have_attribute("aria-expanded", "true")
    page.context.close()


def test_results_come_a_page_at_a_time(page, two_years_site):
    """A register may hold 100,000 acts: results show a page at a time (25; 2 here, on a copy of the page)."""
    search_page = two_years_site.root / "recherche" / "index.html"
    original = search_page.read_text(encoding="utf-8")
    assert 'max-results="25"' in original
    try:
        search_page.write_text(original.replace('max-results="25"', 'max-results="2"'), encoding="utf-8")
        page.goto(two_years_site.url + "recherche/")
        wait_for_results(page, "6 résultats")  # the count is the whole list's
        expect()(page.locator(".pf-result")).to_have_count(2)
        more = page.locator(".registre-search__more-button")
        expect()(more).to_have_text("Afficher les 2 résultats suivants (2 affichés sur 6)")
        more.focus()
        page.keyboard.press("Enter")
        expect()(page.locator(".pf-result")).to_have_count(4)
        # The keyboard focus goes to the first new result.
        page.wait_for_function("() => document.activeElement.closest('[data-pf-result-index]')?.dataset.pfResultIndex === '2'")
        more.click()
        expect()(page.locator(".pf-result")).to_have_count(6)
        expect()(more).to_be_hidden()
        # A new search starts again from the first page.
        page.locator("pagefind-input input").fill("tarifs")
        wait_for_results(page, "3 résultats pour tarifs")
        expect()(page.locator(".pf-result")).to_have_count(2)
        expect()(more).to_have_text("Afficher le résultat suivant (2 affichés sur 3)")
    finally:
        search_page.write_text(original, encoding="utf-8")


def test_large_register_asks_for_a_word_first(page, two_years_site):
    """Above FACETED_MAX_ACTS acts the page does not list every act (the whole index would be downloaded):
    a hint until a word is typed, then results and filters (checked on a copy of the page)."""
    search_page = two_years_site.root / "recherche" / "index.html"
    original = search_page.read_text(encoding="utf-8")
    try:
        large = original.replace("<pagefind-config faceted ", "<pagefind-config ") \
            .replace('class="registre-search"', 'class="registre-search registre-search--needs-query"')
        assert large.count("registre-search--needs-query") == 1
        search_page.write_text(large, encoding="utf-8")
        page.goto(two_years_site.url + "recherche/")
        page.wait_for_timeout(500)
        expect()(page.locator(".registre-search__hint")).to_be_visible()
        expect()(page.locator("pagefind-filter-pane")).to_be_hidden()
        assert page.locator(".pf-result").count() == 0
        page.locator("pagefind-input input").fill("tarifs")
        wait_for_results(page, "3 résultats pour tarifs")
        expect()(page.locator(".registre-search__hint")).to_be_hidden()
        expect()(page.locator("details[data-filter-name='type']")).to_be_visible()
        page.locator("details[data-filter-name='type']").get_by_label(re.compile(r"^Délibération")).check()
        wait_for_results(page, "3 résultats pour tarifs")
    finally:
        search_page.write_text(original, encoding="utf-8")


def test_menu_opens_with_the_keyboard_on_a_phone(browser, demo_site):
    page = new_page(browser, width=360, height=740)
    page.goto(demo_site.url)
    tab_to(page, "el.classList.contains('registre-menu-button')", limit=10)
    button = page.locator(".registre-menu-button")
    expect()(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    assert page.locator("#__drawer").is_checked()
    expect()(button).to_have_attribute("aria-expanded", "true")
    drawer_link = page.locator(".md-sidebar--primary .md-nav__link", has_text="Séances").first
    expect()(drawer_link).to_be_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#__drawer").is_checked()
    assert page.evaluate("document.activeElement.classList.contains('registre-menu-button')")
    page.keyboard.press("Space")
    assert page.locator("#__drawer").is_checked()
    page.keyboard.press("Space")
    assert not page.locator("#__drawer").is_checked()
    page.context.close()


def test_site_published_under_a_sub_path(browser, tmp_path):
    """A commune may publish the register at https://…/registre/: search results keep that path."""
    project = Project(tmp_path / "registre")
    project.write_config(Path(project.root / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "site_url: https://registre.test/", "site_url: https://ville.test/registre/"))
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'base-url="/registre/"' in project.page("recherche")
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "registre").symlink_to(project.site, target_is_directory=True)
    server = Server(tmp_path / "www")
    try:
        page = new_page(browser)
        page.goto(server.url + "registre/recherche/?q=convention")
        wait_for_results(page, "1 résultat pour convention")
        page.locator(".pf-result-link").click()
        page.wait_for_url(server.url + "registre/actes/decision-2025-11/")
        expect()(page.locator("h1")).to_contain_text("Décision du maire n°11/2025")
        page.context.close()
    finally:
        server.close()
