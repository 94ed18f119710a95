"""No script reaches a published page or PDF (issue 13 §1).

Two proofs, kept apart on purpose:

* ``registre check`` and ``mkdocs build`` refuse every payload below, each with a French error
  naming ``file:line`` (the line is worked out by hand: where the dangerous construct is complete);
* the sanitiser alone keeps every payload out of the output.  To prove it without the check, the
  site is built in this process with the check's HTML rule replaced by one that finds nothing
  (``monkeypatch``, a test-only substitution: the published code has no switch that lets HTML
  through), then every act and annex page is loaded in Chromium, every element hovered and
  clicked: no payload may run (they set ``window.__xss`` or call ``alert``), and the
  Content-Security-Policy reports no violation (the sanitiser, not the CSP, stopped them).

What is "dangerous" in the output is decided here by the test's own reading of the HTML (HTML5
parser, URL read as a browser does), not by the code under test.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import tinyhtml5
from conftest import MKDOCS_YML, VALID_DECISION, Project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registre.checks import html_policy
from registre.checks.html_policy import check_body, render, sanitize

XSS = "window.__xss=1"

# name: (Markdown payload, line of the payload where the error is reported, 1-based)
PAYLOADS = {
    "img-sur-deux-lignes": (f'<img src=x\nonerror="{XSS}">', 2),
    "commentaire-ouvert": (f'<!--><img src=x onerror="{XSS}">-->', 1),
    "commentaire-bang": (f'<!---><img src=x onerror="{XSS}">', 1),
    "lien-javascript": (f"[clic](javascript:{XSS})", 1),
    "lien-javascript-casse": (f"[clic](JaVaScRiPt:{XSS})", 1),
    "lien-entite-decimale": (f"[clic](&#106;avascript:{XSS})", 1),
    "lien-entite-hexa": (f"[clic](&#x6A;avascript&#58;{XSS})", 1),
    "lien-vbscript": ("[clic](vbscript:msgbox(1))", 1),
    "lien-data-html": ("[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", 1),
    "image-javascript": (f"![plan](javascript:{XSS})", 1),
    "lien-reference": (f"Voir [le plan][1].\n\n[1]: javascript:{XSS}", 3),
    "lien-reference-avant": (f'[plan]: JAVASCRIPT:{XSS} "titre"\n\nVoir [plan].', 3),
    "attr-list-paragraphe": (f'Paragraphe.\n{{: onclick="{XSS}" }}', 2),
    "attr-list-titre": (f'## Titre {{onmouseover="{XSS}"}}', 1),
    "attr-list-lien": (f'[lien](https://exemple.org){{: onclick="{XSS}"}}', 1),
    "attr-list-style": ('Texte.\n{: style="position:fixed;top:0;left:0;width:100%;height:100%" }', 2),
    "u-slash-evenement": (f"<u/onmouseover={XSS}>souligné</u>", 1),
    "abbr-evenement": (f'<abbr title="x" onclick="{XSS}">X</abbr>', 1),
    "href-tabulation": (f'<a href="java&#9;script:{XSS}">clic</a>', 1),
    "href-retour-ligne": (f'<a href="java\nscript:{XSS}">clic</a>', 2),
    "href-espace-devant": (f'<a href=" javascript:{XSS}">clic</a>', 1),
    "href-controle-devant": (f'<a href="&#x01;javascript:{XSS}">clic</a>', 1),
    "href-colon-entite": (f'<a href="javascript&colon;{XSS}">clic</a>', 1),
    "svg-onload": (f'<svg onload="{XSS}"><circle r="1"/></svg>', 1),
    "math-lien": (f'<math><mtext><a href="javascript:{XSS}">x</a></mtext></math>', 1),
    "iframe-srcdoc": ('<iframe srcdoc="&lt;script&gt;parent.__xss=1&lt;/script&gt;"></iframe>', 1),
    "object-data": (f'<object data="javascript:{XSS}"></object>', 1),
    "form-action": (f'<form action="javascript:{XSS}"><button>Envoyer</button></form>', 1),
    "meta-refresh": (f'<meta http-equiv="refresh" content="0;url=javascript:{XSS}">', 1),
    "base-href": ('<base href="https://attaquant.example/">', 1),
    "style-balise": ("<style>body{display:none}</style>", 1),
    "link-stylesheet": ('<link rel="stylesheet" href="https://attaquant.example/x.css">', 1),
    "autolien-javascript": (f"<javascript:{XSS}>", 1),
    "script-casse": (f"<ScRiPt>{XSS}</ScRiPt>", 1),
    "details-ontoggle": (f'<details open ontoggle="{XSS}"><summary>x</summary></details>', 1),
    "body-onload": (f'<body onload="{XSS}">', 1),
    "mark-style": ('<mark style="background:url(https://attaquant.example/)">x</mark>', 1),
    "input-autofocus": (f'<input autofocus onfocus="{XSS}">', 1),
    "div-survol": (f'<div onmouseover="{XSS}">zone</div>', 1),
    "video-source": (f'<video><source onerror="{XSS}"></video>', 1),
    "img-srcset": ('<img srcset="https://attaquant.example/x.png" src="plan.png" alt="plan">', 1),
    "noscript-mxss": (f'<noscript><p title="</noscript><img src=x onerror={XSS}>"></noscript>', 1),
    "id-reserve": ("## Titre {#__config}", 1),
    "titre-id-reserve": ("## __md_scope", 1),
}

SAFE_TEXTS = [
    "# Titre\n\n**Article 1 :** texte <u>souligné</u>, x<sup>2</sup>, H<sub>2</sub>O, <abbr title=\"Code général "
    "des collectivités territoriales\">CGCT</abbr>, <mark>important</mark>, <small>petit</small>, <s>barré</s>.<br>\n",
    "Voir [le site](https://exemple.org \"titre\"), [écrire](mailto:mairie@exemple.org), [appeler](tel:+33400000000), "
    "[l'acte](../arrete-2025-1/), [ancre](#article-1), [réf][1].\n\n[1]: https://exemple.org/ref",
    "| Poste | Montant |\n|:------|--------:|\n| A | 1 |\n| B | 2 |\n",
    "!!! note \"À savoir\"\n    Texte de l'encadré.\n\n!!! warning\n    Attention.\n",
    "```python\nprint('<script>')\n```\n\n`<img src=x onerror=alert(1)>` est du code.\n",
    "1. un\n2. deux\n\n- a\n    - b\n\n> citation\n\n---\n\n![plan](plan.png \"Plan\")\n",
    "### Article 1 {#article-1}\n\nParagraphe.\n",
]

URL_SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
TEST_ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
TEST_DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "meta", "base", "style", "link", "svg", "math",
                       "input", "button", "video", "audio", "source", "details", "noscript", "frame", "frameset",
                       "template", "textarea", "select", "body", "html", "head"}


def dangers(html: str) -> list[str]:
    """The test's own reading of published HTML: what could run a script, load a resource from
    elsewhere than the page's links, or restyle the page."""
    found = []
    root = tinyhtml5.parse(html)
    own = {id(root), *(id(child) for child in root)}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2].lower()
        if id(element) not in own and tag in TEST_DANGEROUS_TAGS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = str(name).rpartition("}")[2].lower()
            if name.startswith("on") or name in {"srcdoc", "srcset", "formaction", "action", "data", "xlink:href"}:
                found.append(f"{tag}[{name}]")
            if name == "style" and not (tag in {"th", "td"} and re.fullmatch(r"text-align: (left|center|right);",
                                                                              value)):
                found.append(f"{tag}[style]")
            if name in {"href", "src"}:
                url = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
                scheme = URL_SCHEME_RE.match(url)
                if scheme and scheme.group(1).lower() not in TEST_ALLOWED_SCHEMES:
                    found.append(f"{tag}[{name}={value!r}]")
            if name == "id" and value.startswith("__"):
                found.append(f"{tag}[id={value}]")
    return found


# -- the sanitiser and the check, as functions -------------------------------------------------

@pytest.mark.parametrize("name", PAYLOADS)
def test_the_sanitiser_removes_every_payload(name):
    text, _ = PAYLOADS[name]
    rendered = render(text)
    # Python-Markdown does not make a link of <javascript:…> (an unknown tag: the check reports it, the
    # sanitiser drops it); every other payload must render to something dangerous, or the test proves nothing.
    assert dangers(rendered) or name == "autolien-javascript" and "<javascript:" in rendered, name
    assert dangers(sanitize(rendered)) == []


@pytest.mark.parametrize("name", PAYLOADS)
def test_the_check_reports_every_payload_at_its_line(name):
    text, line = PAYLOADS[name]
    body = "# Titre\n\nTexte.\n\n" + text + "\n\nSuite du texte.\n"
    problems = check_body(body)
    assert problems, name
    assert problems[0][0] == 4 + line, (name, problems)
    assert all(message and fix for _, message, fix in problems)


def test_a_long_text_gets_its_lines_without_rendering_it_again_and_again():
    """Beyond 16,000 characters the check looks for what is removed in the lines: same lines, in a
    time that does not grow with the number of problems times the text's size."""
    import time

    filler = "Paragraphe de texte administratif.\n\n" * 1000  # lines 1 to 2000
    body = filler + (f"[x](javascript:{XSS})\n\nTexte <u onclick=x>a</u>\n\n<img src=x\nonerror=y>\n\n"
                     "[a][1]\n\n[1]: &#106;avascript:x\n")
    start = time.perf_counter()
    lines = [line for line, _, _ in check_body(body)]
    assert lines == [2001, 2003, 2006, 2010]
    assert time.perf_counter() - start < 20


@pytest.mark.parametrize("text", SAFE_TEXTS)
def test_what_the_format_allows_is_published_unchanged_and_accepted(text):
    rendered = render(text)
    assert check_body(text) == []
    canonical = tinyhtml5.parse(rendered)
    cleaned = tinyhtml5.parse(sanitize(rendered))
    assert [(e.tag, dict(e.attrib)) for e in canonical.iter()] == [(e.tag, dict(e.attrib)) for e in cleaned.iter()]


def test_the_check_and_the_sanitiser_read_one_policy():
    """Whatever the check accepts, the sanitiser leaves as it is; whatever the sanitiser changes,
    the check reports — over payloads, safe texts and their mixtures."""
    texts = [t for t, _ in PAYLOADS.values()] + SAFE_TEXTS
    texts += [a + "\n\n" + b for a, b in zip(texts, reversed(texts))]
    for text in texts:
        rendered = render(text)
        changed = [(e.tag, dict(e.attrib)) for e in tinyhtml5.parse(rendered).iter()] != \
                  [(e.tag, dict(e.attrib)) for e in tinyhtml5.parse(sanitize(rendered)).iter()]
        assert bool(check_body(text)) == changed, text


MARKDOWNISH = st.lists(st.sampled_from(list("aZ é#*_-+>|:.!`~[](){}<>/=\"'&;\n\t 19")
                                      + ["javascript:", "on", "<u ", "<a href=", "](", "{: ", "!!! ", "```",
                                         "<img ", "onerror=", "&#106;", "\n\n", "#__", "    ", "|:-|"]),
                      max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(MARKDOWNISH)
def test_what_the_check_accepts_the_sanitiser_leaves_unchanged(text):
    rendered = render(text)
    cleaned = sanitize(rendered)
    assert dangers(cleaned) == []
    if not check_body(text):
        assert [(e.tag, dict(e.attrib)) for e in tinyhtml5.parse(rendered).iter()] == \
               [(e.tag, dict(e.attrib)) for e in tinyhtml5.parse(cleaned).iter()], rendered


def test_the_demo_acts_pass_the_check_and_are_published_unchanged():
    from conftest import ROOT

    for path in sorted((ROOT / "acts").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        assert check_body(body) == [], path
        assert dangers(sanitize(render(body))) == []


# -- registre check and mkdocs build refuse each payload ----------------------------------------

def payload_register(project: Project, *, annex_with_front_matter: bool = True) -> dict[str, tuple[str, int]]:
    """One décision per payload (numbers 11…), plus a décision with two Markdown annexes, one
    with a front matter, carrying payloads.  Returns name → (file, line) expected.  (An annex
    with a front matter is read as an act too, with errors: it never reaches a site.)"""
    expected = {}
    for offset, (name, (text, line)) in enumerate(PAYLOADS.items()):
        numero = 11 + offset
        act = (VALID_DECISION.replace("numero: 11", f"numero: {numero}")
               .replace("n°11/2025", f"n°{numero}/2025")
               .replace("Convention ENT-école 2025-2026", f"Convention {numero}"))
        # VALID_DECISION has 15 lines; a blank line, then the payload from line 17.
        project.add(f"2025/decision-2025-{numero}.md", act + "\n" + text + "\n", dedent=False)
        expected[name] = (f"acts/2025/decision-2025-{numero}.md", 16 + line)
    numero = 11 + len(PAYLOADS)
    act = (VALID_DECISION.replace("numero: 11", f"numero: {numero}").replace("n°11/2025", f"n°{numero}/2025")
           .replace("---\n\n#", "annexes:\n  - {fichier: plan.md, titre: Plan}\n"
                                + ("  - {fichier: reglement.md, titre: Règlement}\n" if annex_with_front_matter else "")
                                + "---\n\n#"))
    project.add(f"2025/decision-2025-{numero}.md", act, dedent=False)
    expected["annexe-sans-en-tete-img"] = ("acts/2025/plan.md", 6)
    expected["annexe-sans-en-tete-reference"] = ("acts/2025/plan.md", 10)
    project.add("2025/plan.md", f"# Plan\n\nTexte.\n\n<img src=x\nonerror=\"{XSS}\">\n\n[x][r]\n\n[r]: javascript:{XSS}\n",
                dedent=False)
    if not annex_with_front_matter:
        return expected
    project.add("2025/reglement.md", f"---\ntitre: Règlement\n---\n\n# Règlement\n\n<u/onmouseover={XSS}>u</u>\n"
                f"\nParagraphe.\n{{: onclick=\"{XSS}\" }}\n", dedent=False)
    expected["annexe-avec-en-tete-u"] = ("acts/2025/reglement.md", 7)
    expected["annexe-avec-en-tete-attr-list"] = ("acts/2025/reglement.md", 10)
    return expected


def with_extensions(project: Project) -> None:
    """The demo's Markdown extensions (attr_list and admonition on, as in mkdocs.yml)."""
    project.write_config(MKDOCS_YML.format(today="2025-12-15") + textwrap.dedent("""\
        markdown_extensions:
          - toc:
              permalink: false
          - tables
          - admonition
          - attr_list
        """))


def test_check_and_build_refuse_each_payload_naming_file_and_line(project):
    with_extensions(project)
    expected = payload_register(project)
    check = project.registre("check")
    assert check.returncode != 0
    build = project.build()
    assert build.returncode != 0
    for output in (check.stdout + check.stderr, build.stdout + build.stderr):
        assert "Traceback" not in output
        for name, (path, line) in expected.items():
            assert re.search(rf"{re.escape(path)}:{line}: erreur: .*(interdit|non admis|retiré).*Correction : ",
                             output), (name, path, line, output[-3000:])
    assert not (project.site / "actes").exists()


# -- the sanitiser alone, on a built site and in Chromium --------------------------------------

def build_without_html_check(project: Project) -> None:
    """``mkdocs build`` in this process, the check's HTML rule replaced by one that finds nothing:
    what reaches the pages is then stopped by the sanitiser or not at all."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from registre.checks import rules

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "check_body", lambda body: [])
        patch.setattr(html_policy, "check_body", lambda body: [])
        patch.setenv("REGISTRE_ACT_CACHE", "0")
        patch.setenv("REGISTRE_PAGE_CACHE", "0")
        patch.chdir(project.root)
        text = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
        (project.root / "mkdocs.yml").write_text(text.replace("  - registre:\n", "  - registre:\n      pdf: false\n"),
                                                 encoding="utf-8")
        build(load_config(str(project.root / "mkdocs.yml")))


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("payloads") / "registre")
    with_extensions(project)
    payload_register(project, annex_with_front_matter=False)
    build_without_html_check(project)
    return project


def staff_pages(site: Path) -> list[str]:
    """Every act and annex page of a built site (their paths under the site)."""
    return sorted(str(p.parent.relative_to(site)) + "/" for p in (site / "actes").rglob("index.html"))


def test_the_built_pages_carry_no_payload(payload_site):
    pages = staff_pages(payload_site.site)
    assert len(pages) == len(PAYLOADS) + 1 + 1  # acts, the act with an annex, its annex
    for uri in pages:
        html = (payload_site.site / uri / "index.html").read_text(encoding="utf-8")
        article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S).group(1)
        assert dangers(article) == [], uri
        assert "__xss" not in article.replace("window.__xss=1", ""), uri
        assert 'http-equiv="Content-Security-Policy"' in html


HOVER_COUNT = "() => document.querySelectorAll('article.md-content__inner *').length"
HOVER_TARGET = """i => {
    const element = document.querySelectorAll('article.md-content__inner *')[i];
    if (!element) return null;
    element.scrollIntoView({block: 'center'});
    const r = element.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? [r.x + r.width / 2, r.y + r.height / 2] : null;
}"""
FIRE_EVENTS = """() => {
    document.addEventListener('click', e => {
        const link = e.target.closest && e.target.closest('a[href]');
        if (link && /^(https?|mailto|tel):$/.test(link.protocol)) e.preventDefault();
    }, true);
    for (const element of document.querySelectorAll('article.md-content__inner *')) {
        for (const type of ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousemove', 'pointerdown',
                            'mousedown', 'pointerup', 'mouseup', 'focus', 'focusin', 'animationstart', 'toggle',
                            'load', 'error'])
            element.dispatchEvent(new Event(type, {bubbles: true}));
        element.click();
        if (element.focus) element.focus();
    }
}"""


@pytest.mark.browser
def test_nothing_runs_in_chromium_on_load_hover_or_click(payload_site):
    """The payloads are loaded with the page's CSP switched off (``bypass_csp``): what is proven
    is the sanitiser.  Then, CSP on, the same pages report no violation and the theme still runs."""
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS, Server

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} est absent : installez le paquet Debian « chromium ».")
    server = Server(payload_site.site)
    pages = staff_pages(payload_site.site)
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
                for uri in pages:
                    page.goto(server.url + uri)
                    page.wait_for_load_state("load")
                    assert page.evaluate("typeof __md_get") == "function", "the theme's inline scripts did not run"
                    # Real hover: the mouse over the centre of every element of the text.
                    for index in range(page.evaluate(HOVER_COUNT) if bypass_csp else 0):
                        centre = page.evaluate(HOVER_TARGET, index)
                        if centre is not None:
                            page.mouse.move(*centre)
                    # Every event a reader can cause, on every element; links followed unless their
                    # address is http(s), mailto, tel or relative (a javascript: link would run here).
                    page.evaluate(FIRE_EVENTS)
                    page.wait_for_timeout(100)
                    if page.evaluate("window.__xss") is not None:
                        ran.append(f"window.__xss on {uri}")
                    assert ran == [], (uri, ran)  # no payload ran; with the CSP on, it had nothing to block
                    for link in page.locator("article.md-content__inner a[href]").all():
                        href = link.get_attribute("href") or ""
                        assert not re.match(r"\s*(javascript|vbscript|data):", href, re.I), (uri, href)
                if not bypass_csp:  # the CSP is live all the same: an inline script added to a page does not run
                    page.evaluate("() => { const s = document.createElement('script');"
                                  " s.textContent = 'window.__csp = 1'; document.body.appendChild(s); }")
                    assert page.evaluate("window.__csp") is None
                context.close()
            chromium.close()
    finally:
        server.close()


# -- the PDF -------------------------------------------------------------------------------------

def test_pdf_links_only_to_allowed_schemes_and_runs_nothing(project):
    from pypdf import PdfReader

    from registre.build.load import load_register
    from registre.domain.config import load_config
    from registre.publish.pdf import ActPdfs, render_pdf

    body = ("\n[site](https://exemple.org) [mail](mailto:mairie@exemple.org) [tel](tel:+33400000000)\n\n"
            f"[a](javascript:{XSS}) [b](JaVaScRiPt:alert(1)) [c](file:///etc/passwd) [d](&#106;avascript:x)\n\n"
            "[e][1] <a href=\"vbscript:x\">f</a> <a href=\"data:text/html,x\">g</a> [h](file:relatif)\n\n"
            f"[1]: javascript:{XSS}\n")
    project.add("2025/decision-2025-11.md", VALID_DECISION + body, dedent=False)
    register = load_register(project.acts, load_config(project.root / "mkdocs.yml"), run_rules=False)
    act = register.acts[0]
    _, job = ActPdfs(register, project.root / ".cache", "https://registre.test/").job(act)
    reader = PdfReader(__import__("io").BytesIO(render_pdf(job)))
    uris = []
    for pdf_page in reader.pages:
        for annotation in pdf_page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None:
                action = action.get_object()
                assert action.get("/S") not in {"/JavaScript", "/Launch"}, action
                if "/URI" in action:
                    uris.append(str(action["/URI"]))
    assert {"https://exemple.org", "mailto:mairie@exemple.org", "tel:+33400000000"} <= set(uris)
    for uri in uris:
        scheme = URL_SCHEME_RE.match(uri)
        assert scheme is None or scheme.group(1).lower() in TEST_ALLOWED_SCHEMES, uri
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/JavaScript" not in (catalog.get("/Names") or {})


# -- the Content-Security-Policy does not stop the site itself ------------------------------------

@pytest.mark.browser
def test_the_csp_blocks_nothing_the_site_does(built_demo):
    """Every template of the demo, the search with results and the verification of a published PDF,
    in Chromium with the page's CSP: no violation, the theme's inline scripts run."""
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS, Server, template_pages

    server = Server(built_demo.site)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = chromium.new_page()
            violations: list[str] = []
            page.on("console", lambda message: message.text.startswith("CSP") and violations.append(message.text))
            page.on("pageerror", lambda exc: violations.append(str(exc)))
            page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                                 "console.log('CSP ' + e.violatedDirective + ' ' + e.blockedURI));")
            for name, uri in {**template_pages(built_demo.site), "404": "404.html"}.items():
                page.goto(server.url + uri)
                page.wait_for_load_state("networkidle")
                assert page.evaluate("typeof __md_get") == "function", name
                assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1, name
                if name == "recherche (résultats)":  # Pagefind's WebAssembly ran: results are listed
                    page.locator("pagefind-summary").filter(has_text="résultat").wait_for(timeout=15000)
                if name == "vérification":
                    page.set_input_files("#registre-verify-file",
                                         str(built_demo.site / "actes/decision-2025-11/decision-2025-11.pdf"))
                    page.get_by_text("Document reconnu").wait_for(timeout=15000)
                assert violations == [], (name, violations)
            chromium.close()
    finally:
        server.close()


# -- front-matter values in attributes ----------------------------------------------------------

QUOTES = "\" onmouseover=\"window.__xss=1\" x=\" ' onfocus='window.__xss=2' autofocus x=' & &amp; fin"


def test_quotes_in_fields_never_become_attributes(project):
    """Quotes are text in a field (the check accepts them): on every page they stay inside the
    attribute or text that holds them; the description Material writes in <meta> keeps the objet."""
    quoted = QUOTES.replace("\\", "\\\\").replace('"', '\\"')
    act = (VALID_DECISION.replace("objet: Convention ENT-école 2025-2026", f'objet: "Convention {quoted}"')
           .replace("qualite: Maire}", f'qualite: "Maire {quoted}"}}')
           .replace("---\n\n#", f'annexes:\n  - {{fichier: plan.md, titre: "Plan {quoted}"}}\n'
                                f'note: "Note {quoted}"\n---\n\n#'))
    project.add("2025/decision-2025-11.md", act, dedent=False)
    project.add("2025/plan.md", "# Plan\n\nTexte.\n")
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted(project.site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        root = tinyhtml5.parse(path.read_text(encoding="utf-8"))
        for element in root.iter():
            if isinstance(element.tag, str):
                names = [str(name).rpartition("}")[2].lower() for name in element.attrib]
                assert not [n for n in names if n.startswith("on") or n == "autofocus"], (path, element.tag, names)
    root = tinyhtml5.parse(project.page("actes/decision-2025-11"))
    description = next(e.attrib["content"] for e in root.iter()
                       if isinstance(e.tag, str) and e.tag.endswith("meta") and e.attrib.get("name") == "description")
    assert description == f"Décision du maire n°11/2025 du 30 mai 2025 : Convention {QUOTES}"
