"""Benchmark of the register build: time, memory, size, search, against a lower bound.

    python bench/run.py                      # 2,000 and 10,000 acts
    python bench/run.py --sizes 2000         # one size
    python bench/run.py --large              # and 100,000 acts (long: about an hour)
    python bench/run.py --baseline           # and plain MkDocs + Material at 2,000 acts
    python bench/run.py --sizes 100000 --domain-only   # generator and `registre check` only
    python bench/run.py --sizes 10000 --profile        # cProfile of the 10,000-act build

For each N it generates the register (bench/generate.py, cached in
bench/out/n<N>/), then measures in one run:

* the PDFs of the acts (``registre pdf``, WeasyPrint, in parallel): rendered
  once per act into the PDF store ``.cache/registre/pdf/`` that CI keeps, ahead
  of the site build (cold unless ``--garder-pdf``; skipped with ``--sans-pdf``,
  which builds the register with ``pdf: false``);
* the full build of the site and its search index (``mkdocs build`` after
  deleting site/ and .cache/, the PDF store excepted): wall time and peak
  memory of the whole process tree (sampled sum of the PSS of mkdocs and its
  children: the processes it forks share its memory; and the largest single
  process's RSS from ``/usr/bin/time``);
* the output: total size, files, size of each act page's HTML (max and mean);
* search: the bytes of the Pagefind files one query loads in a real browser
  (Chromium via Playwright), once the site has a Pagefind index; "n/a" before;
* the lower bound: one Python process reading every act with the project's
  own reader (front matter + schema) and rendering its Markdown with
  python-markdown and the extensions of mkdocs.yml;
* ``registre check`` on the same register;
* the incremental build: one arrêté added to the N-act register, ``mkdocs
  build`` again with the cache of the full build (then the act is removed).

Results go to bench/results.json (latest run per N) and bench/RESULTS.md
(tables, machine, targets of issue 4).  Generated data stays in bench/out/.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
RESULTS_JSON = BENCH / "results.json"
RESULTS_MD = BENCH / "RESULTS.md"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)

DEFAULT_SIZES = (2000, 10000)
LARGE_SIZE = 100_000
BASELINE_SIZE = 2000
DEFAULT_QUERY = "stationnement"
RESULTS_SHOWN = 5  # results whose fragments are loaded when the site has no search box (JS API)
PACKAGES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "MarkupSafe", "PyYAML",
            "pagefind", "weasyprint", "registre")
# MkDocs always adds these to the markdown_extensions of mkdocs.yml.
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")

TARGETS = {
    10_000: {"ratio_lower_bound": 4.0, "act_page_max": 40 * 1024, "peak_rss": 1.5 * 1024 ** 3,
             "incremental_ratio": 0.15},
    100_000: {"peak_rss": 4 * 1024 ** 3, "search_bytes": 1024 ** 2},
}


# ---------------------------------------------------------------------------
# Measuring a command
# ---------------------------------------------------------------------------

class TreeSampler(threading.Thread):
    """Peak of the summed PSS of a process and all its descendants, sampled (reading a large
    process's PSS costs a few milliseconds of the kernel's time: four samples a second)."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.peak_processes = 0
        self.by_command: dict[str, int] = {}  # largest RSS seen for one process of each command name
        self._halt = threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while not self._halt.is_set():
            total, count = self.sample()
            if total > self.peak:
                self.peak, self.peak_processes = total, count
            self._halt.wait(self.interval)

    def sample(self) -> tuple[int, int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    stat = handle.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        total, count, todo = 0, 0, [self.pid]
        while todo:
            pid = todo.pop()
            try:
                rss = self.memory(pid)
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    argv = handle.read().split(b"\0")
                total += rss
                count += 1
                name = self.command_name(argv)
                if rss > self.by_command.get(name, 0):
                    self.by_command[name] = rss
            except (OSError, ValueError, IndexError):
                pass
            todo.extend(children.get(pid, ()))
        return total, count

    def memory(self, pid: int) -> int:
        """PSS of ``pid`` (a page shared by k processes counts 1/k in each: the build's processes
        forked to render pages share the parent's memory), or its RSS where PSS is not readable."""
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * self.page

    @staticmethod
    def command_name(argv: list[bytes]) -> str:
        """« mkdocs », « pagefind », « multiprocessing » or the program's name."""
        words = [Path(a.decode(errors="replace")).name for a in argv if a]
        if not words:
            return "?"
        if "-m" in words and words.index("-m") + 1 < len(words):
            return words[words.index("-m") + 1]
        if any("multiprocessing" in w or "forkserver" in w for w in words) or words[0].startswith("python") \
                and "-c" in words:
            return "python (processus fils)"
        return words[0]

    def stop(self) -> None:
        self._halt.set()
        self.join()


def measure(cmd: list[str], cwd: Path, *, label: str, check: bool = True) -> dict:
    """Run ``cmd``; wall time, peak RSS of the process tree, largest process."""
    # The code of this checkout, whatever registre is installed (a worktree measures its own code).
    code = str(Path(__file__).resolve().parent.parent / "site_plugins")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=os.pathsep.join(filter(None, [code, os.environ.get("PYTHONPATH", "")])))
    log = OUT / "logs" / f"{label}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing, log.open("wb") as output:
        full = ([gnu_time, "-f", "%e %M", "-o", timing.name] if gnu_time else []) + cmd
        start = time.perf_counter()
        process = subprocess.Popen(full, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        code = process.wait()
        wall = time.perf_counter() - start
        sampler.stop()
        largest = 0
        if gnu_time:
            fields = timing.read().split()
            if len(fields) >= 2 and fields[-1].isdigit():
                largest = int(fields[-1]) * 1024
    if check and code != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"échec de « {' '.join(cmd)} » (code {code}) dans {cwd} :\n{tail}")
    return {"wall_s": round(wall, 3), "peak_rss": max(sampler.peak, largest), "tree_peak_rss": sampler.peak,
            "largest_process_rss": largest, "processes_at_peak": sampler.peak_processes, "returncode": code,
            "peak_rss_by_command": dict(sorted(sampler.by_command.items(), key=lambda kv: -kv[1])),
            "load_before": round(load, 2), "log": str(log.relative_to(ROOT))}


def plugin_log(result: dict) -> list[str]:
    """What the registre plugin logged about its own work (PDFs, search index…)."""
    text = (ROOT / result["log"]).read_text(encoding="utf-8", errors="replace")
    return [line.split("-  ", 1)[-1].strip() for line in text.splitlines()
            if "registre :" in line and line.startswith("INFO")]


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def mkdocs_build() -> list[str]:
    return python("-m", "mkdocs", "build")


PDF_STORE = Path(".cache") / "registre" / "pdf"


def clean_outputs(project: Path, *, keep_pdf: bool = False) -> None:
    """Delete site/ and .cache/; ``keep_pdf``: all of .cache/ but the PDF store."""
    shutil.rmtree(project / "site", ignore_errors=True)
    cache = project / ".cache"
    if not keep_pdf:
        shutil.rmtree(cache, ignore_errors=True)
        return
    for path in sorted(cache.rglob("*"), reverse=True) if cache.exists() else []:
        rel = path.relative_to(project)
        if rel == PDF_STORE or PDF_STORE in rel.parents or rel in PDF_STORE.parents:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def set_pdf_option(project: Path, enabled: bool) -> None:
    """``pdf: false`` in the generated mkdocs.yml (or back to the default)."""
    yml = project / "mkdocs.yml"
    text = re.sub(r"(?m)^[ ]+pdf: false\n", "", yml.read_text(encoding="utf-8"))
    if not enabled:  # first key of the plugin's block, with the indentation of the next line
        text, count = re.subn(r"(?m)^([ ]*- registre:\n)([ ]+)", r"\1\2pdf: false\n\2", text, count=1)
        if count != 1:
            raise SystemExit(f"{yml} : bloc « - registre: » introuvable, impossible d'y mettre « pdf: false »")
    yml.write_text(text, encoding="utf-8")


def pdf_summary(result: dict) -> dict:
    """Counts from the summary line of `registre pdf`."""
    text = (ROOT / result["log"]).read_text(encoding="utf-8", errors="replace")
    found = re.search(r"(\d+) générés, (\d+) déjà prêts", text)
    return {"rendered": int(found[1]), "ready": int(found[2])} if found else {"rendered": None, "ready": None}


# ---------------------------------------------------------------------------
# What the build wrote
# ---------------------------------------------------------------------------

def tree_size(folder: Path) -> tuple[int, int]:
    total = files = 0
    for path, _, names in os.walk(folder):
        for name in names:
            total += os.path.getsize(os.path.join(path, name))
            files += 1
    return total, files


def site_stats(site: Path) -> dict:
    total, files = tree_size(site)
    pages = []
    for page in (site / "actes").glob("*/index.html"):
        pages.append((page.stat().st_size, page.parent.name))
    pages.sort()
    lunr = site / "search" / "search_index.json"
    pagefind = site / "pagefind"
    stats = {
        "output_bytes": total, "output_files": files, "act_pages": len(pages),
        "act_page_max": pages[-1][0] if pages else None, "act_page_max_id": pages[-1][1] if pages else None,
        "act_page_mean": round(statistics.fmean(p[0] for p in pages)) if pages else None,
        "act_page_median": round(statistics.median(p[0] for p in pages)) if pages else None,
        "lunr_index_bytes": lunr.stat().st_size if lunr.exists() else None,
        "pagefind_bytes": tree_size(pagefind)[0] if pagefind.is_dir() else None,
        "sitemaps": sorted(p.name for p in site.glob("sitemap*.xml*")),
    }
    sitemap = site / "sitemap.xml"
    if sitemap.exists():
        stats["sitemap_bytes"] = sitemap.stat().st_size
    return stats


def tree_digest(folder: Path) -> dict[str, str]:
    digests = {}
    for path, _, names in os.walk(folder):
        for name in names:
            full = Path(path) / name
            digests[full.relative_to(folder).as_posix()] = hashlib.sha256(full.read_bytes()).hexdigest()
    return digests


# ---------------------------------------------------------------------------
# Search: what one query transfers
# ---------------------------------------------------------------------------

class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D401
        pass


@contextlib.contextmanager
def serve(folder: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _launch(playwright):
    try:
        return playwright.chromium.launch()
    except Exception:  # bundled browser not downloaded: use the system's Chromium
        for name in ("chromium", "chromium-browser", "google-chrome"):
            path = shutil.which(name)
            if path:
                return playwright.chromium.launch(executable_path=path)
        raise


SEARCH_JS = """
async ([query, shown, bundles]) => {
  // Every part of the index merged (registre/publish/search.py writes one or more per year).
  const pagefind = await import(bundles[0] + "pagefind.js");
  for (const bundle of bundles.slice(1)) await pagefind.mergeIndex(bundle);
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, shown).map((r) => r.data()));
  return search.results.length;
}
"""
# Search boxes of the Pagefind UIs (Component UI, Default UI, Modular UI), tried in this order.
SEARCH_INPUTS = ("pagefind-input input", "input.pagefind-ui__search-input", "input[data-pagefind-input]")


def search_cost(site: Path, query: str) -> dict:
    """Bytes of the Pagefind files a browser loads for one query (hook: None fields before Pagefind).

    Opens the search page (``recherche/``, else the home page) in Chromium and
    types ``query`` into its Pagefind search box, as a citizen would; without
    a search box, runs the query with the Pagefind JS API and loads the first
    :data:`RESULTS_SHOWN` results.  Sums the on-disk size of every distinct
    file requested under /pagefind/ (uncompressed: an upper bound of the bytes
    on the wire), split into what the page loads before the query and what
    the query adds."""
    bundles = sorted(f"/{p.parent.relative_to(site).as_posix()}/" for p in site.glob("pagefind/**/pagefind.js"))
    if not bundles:
        return {"search_bytes": None, "search_note": "pas d'index Pagefind dans le site"}
    years = sorted({b.split("/")[2].split("-")[0] for b in bundles}, reverse=True)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"search_bytes": None, "search_note": "Playwright absent"}
    requested: list[str] = []
    start_page = "/recherche/" if (site / "recherche" / "index.html").exists() else "/"
    method = "api"
    with serve(site) as base, sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(base + start_page, wait_until="networkidle")
        at_load = len(requested)
        for selector in SEARCH_INPUTS:
            box = page.locator(selector)
            if box.count():
                box.first.fill(query)
                method = f"ui ({selector})"
                break
        else:
            page.evaluate(SEARCH_JS, [query, RESULTS_SHOWN, bundles])
        page.wait_for_timeout(1000)  # search boxes debounce the input
        page.wait_for_load_state("networkidle")
        # The same query through the JS API alone, from the home page, in a fresh context: what the
        # index itself costs, whatever the search page preloads.
        api_requested: list[str] = []
        context = browser.new_context()
        api_page = context.new_page()
        api_page.goto(base + "/", wait_until="networkidle")
        api_page.on("request", lambda request: api_requested.append(request.url))
        api_results = api_page.evaluate(SEARCH_JS, [query, RESULTS_SHOWN, bundles])
        api_page.wait_for_load_state("networkidle")
        # The search page over every year (?portee=toutes), when it searches one year by default.
        all_years: list[str] = []
        if len(years) > 1 and start_page == "/recherche/":
            context = browser.new_context()
            all_page = context.new_page()
            all_page.on("request", lambda request: all_years.append(request.url))
            all_page.goto(base + start_page + "?portee=toutes", wait_until="networkidle")
            all_page.locator(SEARCH_INPUTS[0]).first.fill(query)
            all_page.wait_for_timeout(1000)
            all_page.wait_for_load_state("networkidle")
        browser.close()

    def sizes(urls: list[str]) -> dict[str, int]:
        files: dict[str, int] = {}
        for url in urls:
            path = url.split(base, 1)[-1].split("?", 1)[0]
            if path.startswith("/pagefind/") and path not in files:
                target = site / path.lstrip("/")
                files[path] = target.stat().st_size if target.is_file() else 0
        return files

    at_page_load = sizes(requested[:at_load])
    every = sizes(requested)
    api = sizes(api_requested)
    by_kind: dict[str, list[int]] = {}
    for path, size in every.items():
        name = path.rsplit("/", 1)[-1]
        kind = name.rsplit(".", 1)[-1] if "." in name else "other"
        entry = by_kind.setdefault(kind, [0, 0])
        entry[0] += 1
        entry[1] += size
    return {"search_bytes": sum(every.values()), "search_requests": len(every),
            "search_bytes_page_load": sum(at_page_load.values()), "search_requests_page_load": len(at_page_load),
            "search_by_kind": {k: {"files": v[0], "bytes": v[1]} for k, v in sorted(by_kind.items())},
            "search_query": query, "search_page": start_page, "search_method": method,
            "search_bytes_api": sum(api.values()), "search_requests_api": len(api), "search_results_api": api_results,
            "search_parts": len(bundles), "search_years": len(years),
            "search_bytes_all_years": sum(sizes(all_years).values()) if all_years else None}


# ---------------------------------------------------------------------------
# Lower bound (runs inside a child process: `run.py --lower-bound PROJECT`)
# ---------------------------------------------------------------------------

def markdown_extensions(mkdocs_yml: Path) -> tuple[list[str], dict]:
    """The extensions MkDocs would use for this mkdocs.yml (config's + built-ins)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=Loader) or {}
    names, configs = list(MKDOCS_BUILTIN_EXTENSIONS), {}
    for item in data.get("markdown_extensions") or []:
        name, config = (next(iter(item.items())) if isinstance(item, dict) else (item, None))
        if name not in names:
            names.append(name)
        if config:
            configs[name] = config
    return names, configs


def lower_bound(project: Path) -> dict:
    """Read every act with the project's reader and render its Markdown, in this process."""
    start = time.perf_counter()
    import markdown

    from registre.source.files import iter_act_files
    from registre.source.frontmatter import FrontMatterError, read_source
    from registre.source.schema import read_act
    from registre.source.seance_schema import is_seance_name

    names, configs = markdown_extensions(project / "mkdocs.yml")
    md = markdown.Markdown(extensions=names, extension_configs=configs)
    today = generate.DATE_REFERENCE
    acts_root = project / "acts"
    imported = time.perf_counter()
    count = skipped = html_bytes = 0
    for file in iter_act_files(acts_root):
        rel = file.relative_to(acts_root).as_posix()
        if is_seance_name(rel):  # a dozen séance files a year: not acts, negligible next to them
            continue
        try:
            source = read_source(rel, file.read_bytes())
        except FrontMatterError:  # a Markdown annex: no front matter
            skipped += 1
            continue
        act, _ = read_act(source, acts_root_rel=rel, today=today)
        if act is None:
            raise SystemExit(f"{rel} : acte illisible pour la borne inférieure")
        html_bytes += len(md.reset().convert(act.body))
        count += 1
    end = time.perf_counter()
    return {"acts": count, "annexes_skipped": skipped, "html_bytes": html_bytes,
            "internal_s": round(end - start, 3), "loop_s": round(end - imported, 3), "extensions": names}


# ---------------------------------------------------------------------------
# Plain MkDocs + Material, one page per act in the nav (baseline)
# ---------------------------------------------------------------------------

TYPE_LABELS = {"deliberation": ("Délibérations", "Délibération"), "arrete": ("Arrêtés", "Arrêté"),
               "decision": ("Décisions du maire", "Décision du maire")}


def make_plain(project: Path, target: Path) -> int:
    """A plain MkDocs + Material project whose pages are the acts, all in the nav."""
    import yaml

    shutil.rmtree(target, ignore_errors=True)
    docs = target / "docs"
    shutil.copytree(project / "acts", docs / "actes")
    (docs / "index.md").write_text("# Registre des actes\n\nMkDocs + Material sans le plugin registre.\n",
                                   encoding="utf-8")
    nav: dict[int, dict[str, list]] = {}
    count = 0
    for file in sorted((docs / "actes").rglob("*.md"), key=lambda p: _natural(p.name)):
        text = file.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue  # annexes stay pages, out of the nav
        meta = yaml.load(text[4:text.index("\n---\n", 4)], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if meta["type"] not in TYPE_LABELS:
            continue  # séance files stay pages, out of the nav, like annexes
        year = int(str(meta["date"])[:4])
        label = TYPE_LABELS[meta["type"]]
        title = f"{label[1]} n°{meta['numero']}/{year} — {meta['objet']}"
        nav.setdefault(year, {}).setdefault(label[0], []).append({title: file.relative_to(docs).as_posix()})
        count += 1
    source = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config = {
        "site_name": f"Registre ({count} actes) — MkDocs + Material seuls",
        "site_url": source.get("site_url", "https://registre.example.org/"),
        "theme": source["theme"],
        "plugins": [{"search": {"lang": "fr"}}],
        "markdown_extensions": source.get("markdown_extensions", []),
        "nav": [{"Accueil": "index.md"}] + [{str(year): [{kind: pages} for kind, pages in kinds.items()]}
                                             for year, kinds in sorted(nav.items(), reverse=True)],
    }
    (target / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    return count


def _natural(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


# ---------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------

# (label, path suffix of the function's file, function name): cumulative time of these calls.
PROFILE_STAGES = (
    ("build total (mkdocs.commands.build.build)", "mkdocs/commands/build.py", "build"),
    ("load mkdocs.yml (config, plugins)", "mkdocs/config/base.py", "load_config"),
    ("registre on_config: read + check the register", "registre/plugin/plugin.py", "on_config"),
    ("registre on_files: generated pages", "registre/plugin/plugin.py", "on_files"),
    ("registre on_env (PDF preparation)", "registre/plugin/plugin.py", "on_env"),
    ("scan docs (get_files)", "mkdocs/structure/files.py", "get_files"),
    ("navigation (get_navigation)", "mkdocs/structure/nav.py", "get_navigation"),
    ("pages: read source", "mkdocs/structure/pages.py", "read_source"),
    ("pages: Markdown → HTML (Page.render)", "mkdocs/structure/pages.py", "render"),
    ("pages: all of _build_page", "mkdocs/commands/build.py", "_build_page"),
    ("pages: template context (get_context)", "mkdocs/commands/build.py", "get_context"),
    ("theme templates (sitemap.xml, 404.html)", "mkdocs/commands/build.py", "_build_theme_template"),
    ("extra templates", "mkdocs/commands/build.py", "_build_extra_template"),
    ("write HTML files (write_file)", "mkdocs/utils/__init__.py", "write_file"),
    ("copy static files (File.copy_file)", "mkdocs/structure/files.py", "copy_file"),
    ("search: on_page_content", "material/plugins/search/plugin.py", "on_page_content"),
    ("search: on_post_build (index)", "material/plugins/search/plugin.py", "on_post_build"),
    ("registre on_page_context", "registre/plugin/plugin.py", "on_page_context"),
    ("registre on_post_build (post-build steps below)", "registre/plugin/plugin.py", "on_post_build"),
    ("registre on_post_page", "registre/plugin/plugin.py", "on_post_page"),
    ("registre on_page_markdown", "registre/plugin/plugin.py", "on_page_markdown"),
    ("registre on_page_content", "registre/plugin/plugin.py", "on_page_content"),
    ("  PDF: ActPdfs.prepare, in on_env (cache lookup, missing PDFs rendered in a pool)", "registre/publish/pdf.py",
     "prepare"),
    ("  PDF: fingerprints (HTML of each act for the cache key)", "registre/publish/pdf.py", "fingerprint"),
    ("  PDF: write_pdfs (copy into site/)", "registre/publish/pdf.py", "write_pdfs"),
    ("  exports (feeds, JSON, CSV, ICS)", "registre/publish/exports.py", "write_exports"),
    ("  Pagefind CLI (index_site)", "registre/publish/search.py", "index_site"),
    ("  all post-build steps (run_steps)", "registre/publish/steps.py", "run_steps"),
    ("subprocess waits (Pagefind CLI…)", "subprocess.py", "communicate"),
)


def _group(filename: str) -> str:
    name = filename.replace("\\", "/")
    if "/material/templates/" in name or name.startswith("partials/") or name in ("main.html", "base.html"):
        return "Jinja templates: Material"
    if "/registre/templates/" in name or name.startswith("registre/"):
        return "Jinja templates: registre"
    if name.endswith(".html") or name.endswith(".xml"):
        return "Jinja templates: other (sitemap, 404…)"
    for marker, label in (("/jinja2/", "jinja2 runtime"), ("/markupsafe/", "markupsafe"),
                          ("/markdown/", "python-markdown"), ("/pymdownx/", "pymdown-extensions"),
                          ("/material/", "mkdocs-material (Python)"), ("/mkdocs/", "mkdocs"),
                          ("/site_plugins/registre/", "registre plugin (Python)"), ("/yaml/", "PyYAML"),
                          ("/weasyprint/", "weasyprint"), ("/babel/", "babel"),
                          ("/concurrent/", "concurrent.futures"), ("/multiprocessing/", "multiprocessing"),
                          ("/html/", "stdlib html"), ("/xml/", "stdlib xml")):
        if marker in name:
            return label
    if name == "~":
        return "builtins (C: I/O, regex, str, waits…)"
    if "/lib/python3" in name:
        return "stdlib (Python)"
    return "other"


def analyse_profile(prof: Path) -> dict:
    stats = pstats.Stats(str(prof))
    raw = stats.stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    total = max((ct for (f, _, fn), (_, _, _, ct, _) in raw.items()
                 if f.endswith("mkdocs/commands/build.py") and fn == "build"), default=0.0)
    stages = []
    for label, suffix, func in PROFILE_STAGES:
        ct = sum(v[3] for (f, _, fn), v in raw.items() if f.replace("\\", "/").endswith(suffix) and fn == func)
        calls = sum(v[1] for (f, _, fn), v in raw.items() if f.replace("\\", "/").endswith(suffix) and fn == func)
        if ct:
            stages.append({"stage": label, "cum_s": round(ct, 2), "calls": calls,
                           "share": round(ct / total, 3) if total else None})
    # Jinja renders split by caller (page templates vs sitemap vs PDF HTML…).
    render_by_caller: dict[str, float] = {}
    for (f, _, fn), (_, _, _, _, callers) in raw.items():
        if f.endswith("jinja2/environment.py") and fn == "render":
            for (cf, _, cfn), value in callers.items():
                key = f"{Path(cf).parent.name}/{Path(cf).name}:{cfn}"
                render_by_caller[key] = render_by_caller.get(key, 0.0) + value[3]
    groups: dict[str, float] = {}
    for (f, _, fn), (_, _, tt, _, _) in raw.items():
        group = _group(f)
        if f == "~" and ("acquire" in fn or "poll" in fn or "select" in fn or "wait" in fn):
            group = "waiting (locks, child processes, select)"
        groups[group] = groups.get(group, 0.0) + tt
    blocks = []
    for (f, line, fn), (_, nc, tt, ct, _) in raw.items():
        if (f.endswith(".html") or f.endswith(".xml")) and (fn.startswith("block_") or fn == "macro"):
            name = f.replace("\\", "/").split("/templates/")[-1]
            blocks.append({"template": f"{name}:{line} {fn}", "cum_s": round(ct, 2), "calls": nc})
    blocks.sort(key=lambda b: -b["cum_s"])
    top = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:25]
    return {
        "total_s": round(total, 2),
        "stages": stages,
        "jinja_render_by_caller": {k: round(v, 2) for k, v in sorted(render_by_caller.items(),
                                                                     key=lambda kv: -kv[1]) if v >= 0.05},
        "template_blocks": blocks[:20],
        "self_time_by_group": {k: round(v, 2) for k, v in sorted(groups.items(), key=lambda kv: -kv[1])},
        "top_self": [{"function": f"{_short(f)}:{line}({fn})", "self_s": round(tt, 2), "cum_s": round(ct, 2),
                      "calls": nc} for (f, line, fn), (_, nc, tt, ct, _) in top],
    }


def _short(filename: str) -> str:
    for marker in ("site-packages/", "site_plugins/", "/lib/python3.11/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def profile_build(n: int, *, warm: bool = False, pdf: bool = True) -> dict:
    """cProfile of ``mkdocs build``; ``warm`` keeps .cache/ (PDFs and other cached outputs are reused);
    ``pdf=False`` profiles the register built with ``pdf: false`` (``--sans-pdf``)."""
    project = ensure_register(n)
    set_pdf_option(project, pdf)
    if warm:
        shutil.rmtree(project / "site", ignore_errors=True)
        if not (project / ".cache").exists():
            print(f"[{n}] pas de cache : construction préalable pour le remplir…", flush=True)
            measure(mkdocs_build(), project, label=f"prewarm-n{n}")
    else:
        clean_outputs(project)
    prof = OUT / f"profile-n{n}.prof"
    result = measure(python("-m", "cProfile", "-o", str(prof), "-m", "mkdocs", "build"), project,
                     label=f"profile-n{n}")
    analysis = analyse_profile(prof)
    analysis["wall_s_under_cprofile"] = result["wall_s"]
    analysis["warm"] = warm
    analysis["n"] = n
    analysis["date"] = now()
    (OUT / f"profile-n{n}.json").write_text(json.dumps(analysis, indent=2, ensure_ascii=False), encoding="utf-8")
    print_profile(analysis)
    return analysis


def print_profile(analysis: dict) -> None:
    print(f"\nProfil (cProfile) de la construction {'à chaud' if analysis.get('warm') else 'à froid'} de "
          f"{analysis['n']} actes : {analysis['total_s']} s "
          f"dans build() ; {analysis['wall_s_under_cprofile']} s au total sous cProfile.")
    print("\nÉtapes (temps cumulé) :")
    for stage in analysis["stages"]:
        print(f"  {stage['cum_s']:8.2f} s  {100 * (stage['share'] or 0):5.1f} %  {stage['stage']} "
              f"({stage['calls']} appels)")
    print("\nRendu Jinja par appelant :")
    for caller, seconds in analysis["jinja_render_by_caller"].items():
        print(f"  {seconds:8.2f} s  {caller}")
    print("\nBlocs et macros de gabarits (temps cumulé, ils s'emboîtent) :")
    for block in analysis.get("template_blocks", [])[:15]:
        print(f"  {block['cum_s']:8.2f} s  {block['template']}")
    print("\nTemps propre par composant :")
    for group, seconds in analysis["self_time_by_group"].items():
        if seconds >= 0.05:
            print(f"  {seconds:8.2f} s  {group}")
    print("\nFonctions les plus coûteuses (temps propre) :")
    for row in analysis["top_self"][:15]:
        print(f"  {row['self_s']:8.2f} s  {row['function']} ({row['calls']} appels, cumulé {row['cum_s']} s)")


# ---------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------

def ensure_register(n: int) -> Path:
    """The N-act register, generated once; mkdocs.yml and docs/ always copied afresh from the repository."""
    project = OUT / f"n{n}"
    if not generate.is_current(project, n):
        print(f"[{n}] génération du registre…", flush=True)
        generate.generate(n, project)
    else:
        generate.refresh_config(project, n)
    return project


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def run_domain(n: int) -> dict:
    """Generator and `registre check` only (the domain part, no site)."""
    project = OUT / f"n{n}"
    print(f"[{n}] génération (mesurée)…", flush=True)
    gen = measure(python(str(BENCH / "generate.py"), str(n), "--out", str(project)), ROOT, label=f"generate-n{n}")
    print(f"[{n}] génération : {gen['wall_s']:.1f} s, {gen['peak_rss'] / 2**20:.0f} Mo", flush=True)
    check = measure(python("-m", "registre.cli", "check", "acts"), project, label=f"check-n{n}", check=False)
    print(f"[{n}] registre check : {check['wall_s']:.1f} s, {check['peak_rss'] / 2**20:.0f} Mo "
          f"(code {check['returncode']})", flush=True)
    acts_bytes, acts_files = tree_size(project / "acts")
    return {"n": n, "date": now(), "commit": git_commit(), "generate": gen, "check": check,
            "check_per_1000_s": round(check["wall_s"] * 1000 / n, 3), "acts_bytes": acts_bytes,
            "acts_files": acts_files}


def run_size(n: int, args) -> dict:
    project = ensure_register(n)
    manifest = json.loads((project / "manifest.json").read_text(encoding="utf-8"))
    record: dict = {"n": n, "date": now(), "commit": git_commit(), "manifest": manifest,
                    "mkdocs_yml_sha256": hashlib.sha256((project / "mkdocs.yml").read_bytes()).hexdigest()[:16],
                    "plugins": plugin_names(project / "mkdocs.yml")}
    record["acts_bytes"], record["acts_files"] = tree_size(project / "acts")

    set_pdf_option(project, not args.sans_pdf)
    record["pdf_enabled"] = not args.sans_pdf
    clean_outputs(project, keep_pdf=args.garder_pdf)
    if not args.sans_pdf:
        print(f"[{n}] PDF des actes (registre pdf{', magasin gardé' if args.garder_pdf else ', à froid'})…",
              flush=True)
        pdf = measure(python("-m", "registre.cli", "pdf"), project, label=f"pdf-n{n}")
        pdf.update(pdf_summary(pdf))
        record["pdf"] = pdf
        print(f"[{n}] PDF : {pdf['wall_s']:.1f} s, {pdf['rendered']} rendus, {pdf['ready']} déjà prêts, pic "
              f"{pdf['peak_rss'] / 2**20:.0f} Mo", flush=True)
    print(f"[{n}] construction complète du site et de l'index de recherche (à froid, PDF du magasin)…", flush=True)
    build = measure(mkdocs_build(), project, label=f"build-n{n}")
    record["build"] = build
    record["build"]["plugin_log"] = plugin_log(build)
    record.update(site_stats(project / "site"))
    print(f"[{n}] construction : {build['wall_s']:.1f} s, pic {build['peak_rss'] / 2**20:.0f} Mo, "
          f"{record['output_bytes'] / 2**20:.0f} Mo écrits, page d'acte max {record['act_page_max']} o", flush=True)

    if args.pagefind_cli and record["pagefind_bytes"] is None:
        print(f"[{n}] aperçu : index Pagefind par la CLI sur le site construit…", flush=True)
        record["pagefind_cli"] = measure(python("-m", "pagefind", "--site", "site", "--quiet"), project,
                                         label=f"pagefind-cli-n{n}")
        record["pagefind_cli"]["bytes"] = tree_size(project / "site" / "pagefind")[0]
    if not args.no_search:
        record.update(search_cost(project / "site", args.query))
        if record.get("search_bytes") is not None:
            print(f"[{n}] recherche « {args.query} » : {record['search_bytes'] / 1024:.0f} Kio en "
                  f"{record['search_requests']} fichiers", flush=True)
    if args.pagefind_cli and "pagefind_cli" in record:
        shutil.rmtree(project / "site" / "pagefind", ignore_errors=True)

    if args.sans_borne:
        print(f"[{n}] borne inférieure et registre check : non mesurés (--sans-borne)", flush=True)
        return record
    print(f"[{n}] borne inférieure…", flush=True)
    lower = measure(python(str(Path(__file__).resolve()), "--lower-bound", str(project)), ROOT,
                    label=f"lower-bound-n{n}")
    detail = json.loads((OUT / "logs" / f"lower-bound-n{n}.log").read_text(encoding="utf-8").strip().splitlines()[-1])
    lower.update(detail)
    record["lower_bound"] = lower
    record["ratio_lower_bound"] = round(build["wall_s"] / lower["wall_s"], 2)
    pdf = record.get("pdf")
    if pdf and pdf.get("rendered") and not pdf.get("ready"):  # every PDF rendered in this run
        record["ratio_lower_bound_with_pdf"] = round((build["wall_s"] + pdf["wall_s"]) / lower["wall_s"], 2)
    print(f"[{n}] borne inférieure : {lower['wall_s']:.1f} s → construction = {record['ratio_lower_bound']} × borne",
          flush=True)

    check = measure(python("-m", "registre.cli", "check", "acts"), project, label=f"check-n{n}", check=False)
    record["check"] = check
    record["check_per_1000_s"] = round(check["wall_s"] * 1000 / n, 3)
    print(f"[{n}] registre check : {check['wall_s']:.1f} s ({record['check_per_1000_s']} s pour 1 000 actes)",
          flush=True)

    if not args.no_incremental and manifest.get("next_arrete"):
        rel, text = generate.extra_act(manifest)
        extra = project / rel
        extra.write_text(text, encoding="utf-8")
        try:
            print(f"[{n}] construction incrémentale (un arrêté ajouté)…", flush=True)
            inc = measure(mkdocs_build(), project, label=f"incremental-n{n}")
            record["incremental"] = inc
            inc["plugin_log"] = plugin_log(inc)
            record["incremental_ratio"] = round(inc["wall_s"] / build["wall_s"], 3)
            print(f"[{n}] incrémentale : {inc['wall_s']:.1f} s ({100 * record['incremental_ratio']:.0f} % de la "
                  "complète)", flush=True)
            if args.verify_cache:
                warm = tree_digest(project / "site")
                clean_outputs(project, keep_pdf=True)  # PDFs: deterministic bytes, tested apart
                cold = measure(mkdocs_build(), project, label=f"cold-n{n}-plus-one")
                cold_digest = tree_digest(project / "site")
                differing = sorted(k for k in set(warm) | set(cold_digest) if warm.get(k) != cold_digest.get(k))
                outside = [k for k in differing if not k.startswith("pagefind/")]
                record["cache_check"] = {"cold_wall_s": cold["wall_s"], "files": len(warm),
                                         "differing": len(differing), "examples": differing[:10],
                                         "differing_outside_pagefind": len(outside), "outside_examples": outside[:10]}
                print(f"[{n}] à chaud / à froid : {len(differing)} fichier{'s' if len(differing) > 1 else ''} "
                      f"différent{'s' if len(differing) > 1 else ''}, dont {len(outside)} hors de pagefind/"
                      + (f" ({', '.join(outside[:5])})" if outside else ""), flush=True)
        finally:
            extra.unlink()

    if args.baseline and n == BASELINE_SIZE:
        record["baseline"] = run_baseline(project, n, keep=args.keep_baseline)
        record["ratio_plain"] = round(build["wall_s"] / record["baseline"]["build"]["wall_s"], 3)
    return record


def plugin_names(mkdocs_yml: Path) -> list[str]:
    import yaml

    data = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8")) or {}
    return [next(iter(p)) if isinstance(p, dict) else str(p) for p in data.get("plugins") or []]


def run_baseline(project: Path, n: int, *, keep: bool) -> dict:
    plain = OUT / f"plain-n{n}"
    pages = make_plain(project, plain)
    print(f"[{n}] MkDocs + Material seuls ({pages} pages dans la navigation)…", flush=True)
    build = measure(mkdocs_build(), plain, label=f"plain-n{n}")
    stats = site_stats(plain / "site")
    act_pages = sorted(p.stat().st_size for p in (plain / "site" / "actes").glob("*/*/index.html"))
    stats["act_pages"] = len(act_pages)
    stats["act_page_max"] = act_pages[-1] if act_pages else None
    stats["act_page_mean"] = round(statistics.fmean(act_pages)) if act_pages else None
    print(f"[{n}] MkDocs + Material seuls : {build['wall_s']:.1f} s, {stats['output_bytes'] / 2**20:.0f} Mo, "
          f"{stats['act_page_mean']} o par page", flush=True)
    if not keep:
        shutil.rmtree(plain / "site", ignore_errors=True)
    return {"build": build, "date": now(), **{k: stats[k] for k in ("output_bytes", "output_files", "act_pages", "act_page_max",
                                                    "act_page_mean", "lunr_index_bytes")}}


# ---------------------------------------------------------------------------
# Machine, results files
# ---------------------------------------------------------------------------

def machine() -> dict:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    versions = {}
    for name in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    return {"nproc": os.cpu_count(), "memory_bytes": memory, "cpu": cpu, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "packages": versions}


def git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "site_plugins",
                                "pyproject.toml", "mkdocs.yml"], cwd=ROOT, capture_output=True, text=True).stdout
        return commit + ("+modifs" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def load_results() -> dict:
    if RESULTS_JSON.exists():
        return json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
    return {}


def save_results(results: dict) -> None:
    RESULTS_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                            encoding="utf-8")
    RESULTS_MD.write_text(render_markdown(results), encoding="utf-8")


def mib(value) -> str:
    return "—" if value is None else (f"{value / 2**30:.2f} Gio" if value >= 2**30 else f"{value / 2**20:.0f} Mio")


def num(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def kib(value) -> str:
    return "—" if value is None else f"{value / 1024:.1f} Kio"


def secs(value) -> str:
    return "—" if value is None else (f"{value:.1f} s" if value < 600 else f"{value / 60:.1f} min")


def pdf_cell(record: dict) -> str:
    if not record.get("pdf_enabled", True):
        return "pdf: false"
    pdf = record.get("pdf")
    if not pdf:
        return "—"
    if pdf.get("rendered"):
        per = 1000 * pdf["wall_s"] / pdf["rendered"]
        kind = "à froid" if not pdf.get("ready") else f"{num(pdf['ready'])} repris"
        return f"{secs(pdf['wall_s'])} ({num(pdf['rendered'])} rendus, {kind}, {per:.0f} ms/acte)"
    return f"{secs(pdf['wall_s'])} (repris : {num(pdf.get('ready') or 0)})"


def search_cell(record: dict) -> str:
    if record.get("search_bytes") is not None:
        cell = (f"{kib(record['search_bytes'])} ({record['search_requests']} fichiers, dont "
                f"{kib(record.get('search_bytes_page_load'))} au chargement de la page) ; API seule, toutes "
                f"années : {kib(record.get('search_bytes_api'))}")
        if record.get("search_parts"):
            cell += f" ; index en {record['search_parts']} parties"
        if record.get("search_bytes_all_years"):
            cell += f" ; page de recherche, toutes années : {kib(record['search_bytes_all_years'])}"
        return cell
    if record.get("lunr_index_bytes"):
        return f"n/a (pas de Pagefind ; index lunr entier : {mib(record['lunr_index_bytes'])})"
    return "n/a"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("atteint" if ok else "**non atteint**")


def render_markdown(results: dict) -> str:
    sizes = sorted(results.get("sizes", {}).values(), key=lambda r: r["n"])
    domain = sorted(results.get("domain", {}).values(), key=lambda r: r["n"])
    lines = [
        "# Banc d'essai : construction d'un grand registre",
        "",
        "Fichier produit par `python bench/run.py` (ne pas modifier à la main ; voir `bench/results.json` pour "
        "toutes les mesures). Registres synthétiques de `bench/generate.py` (graine fixe), machine ci-dessous.",
        "",
        "## Construction complète",
        "",
        "| Actes | Date | Commit | PDF des actes (`registre pdf`) | Construction (site + recherche) | Pic mémoire | "
        "Sortie | Page d'acte max / moyenne | Recherche (1 requête) | Borne inférieure | × borne | "
        "× borne, PDF compris | × MkDocs + Material | `registre check` (pour 1 000 actes) | "
        "Ajout d'un acte (part de la complète) |",
        "|---:|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sizes:
        plain = f"{r['ratio_plain']:.2f}" if r.get("ratio_plain") else "—"
        inc = (f"{secs(r['incremental']['wall_s'])} ({100 * r['incremental_ratio']:.0f} %)"
               if r.get("incremental") else "—")
        with_pdf = f"{r['ratio_lower_bound_with_pdf']:.1f}" if r.get("ratio_lower_bound_with_pdf") else "—"
        lines.append(
            f"| {num(r['n'])} | {r['date'][:10]} | {r['commit']} | {pdf_cell(r)} | {secs(r['build']['wall_s'])} | "
            f"{mib(r['build']['peak_rss'])} | {mib(r['output_bytes'])} ({num(r['output_files'])} fichiers) | "
            f"{kib(r['act_page_max'])} / {kib(r['act_page_mean'])} | {search_cell(r)} | "
            f"{secs((r.get('lower_bound') or {}).get('wall_s'))} | "
            f"{format(r['ratio_lower_bound'], '.1f') if r.get('ratio_lower_bound') else '—'} | {with_pdf} | {plain} | "
            f"{secs((r.get('check') or {}).get('wall_s'))} ({secs(r.get('check_per_1000_s'))}) | {inc} |")
    lines += [
        "",
        "- *PDF des actes* : `registre pdf` rend le PDF/A de chaque acte (WeasyPrint, un processus par cœur) dans "
        "le magasin `.cache/registre/pdf/` que la CI garde d'une exécution à l'autre ; chaque PDF n'est rendu "
        "qu'une fois dans la vie de l'acte. « à froid » : magasin vide ; « repris » : magasin d'une exécution "
        "précédente (`--garder-pdf`) ; « pdf: false » : registre construit sans PDF générés (`--sans-pdf`).",
        "- *Construction* : `mkdocs build` à froid (site/ et .cache/ supprimés, sauf le magasin de PDF), temps "
        "réel, processus fils compris : pages, exports, index de recherche Pagefind, publication des PDF.",
        "- *× borne, PDF compris* : (PDF à froid + construction) / borne, quand tous les PDF ont été rendus "
        "dans la même exécution.",
        "- *Pic mémoire* : maximum de la somme des PSS (mémoire proportionnelle : une page partagée par k processus compte pour 1/k dans chacun ; RSS là où le PSS n'est pas lisible) de mkdocs et de ses processus fils (échantillonnée toutes "
        "les 0,25 s) ou du RSS du plus gros processus (`/usr/bin/time`), le plus grand des deux.",
        "- *Borne inférieure* : un seul processus Python qui lit l'en-tête de chaque acte avec le lecteur du "
        "projet (`registre.frontmatter` + `registre.schema`) et rend son Markdown avec python-markdown et les "
        "extensions de mkdocs.yml (temps réel, démarrage de Python compris, comme la construction).",
        "- *Recherche* : octets (taille sur disque, non compressés) des fichiers `/pagefind/` que Chromium "
        f"charge en ouvrant la page de recherche puis en tapant la requête `{DEFAULT_QUERY}` dans la boîte de "
        "recherche (chargement de la page compris). L'index est en parties (2 000 actes au plus, par année) ; "
        "la page de recherche interroge toutes les années jusqu'à 20 000 actes, au-delà l'année la plus "
        "récente par défaut, les autres au choix (« toutes années » : `recherche/?portee=toutes`). *API "
        f"seule, toutes années* : la même requête par l'API JavaScript de Pagefind depuis la page d'accueil, "
        f"toutes les parties fusionnées, avec les {RESULTS_SHOWN} premiers résultats (ce que coûte l'index, "
        "quelle que soit l'interface) ; « n/a » tant que le site n'a pas d'index Pagefind.",
        "- *Ajout d'un acte* : un arrêté ajouté au registre de N actes, puis `mkdocs build` avec le cache de la "
        "construction complète.",
        "",
    ]
    for r in sizes:
        for label, key in (("construction complète", "build"), ("ajout d'un acte", "incremental")):
            logged = (r.get(key) or {}).get("plugin_log")
            if logged:
                lines += [f"**{num(r['n'])} actes, {label}**, d'après le journal du plugin : "
                          + " ; ".join(line.removeprefix("registre : ").rstrip(".") for line in logged) + ".", ""]
    details = [r for r in sizes if r.get("baseline") or r.get("pagefind_cli") or r.get("cache_check")]
    for r in details:
        if r.get("baseline"):
            b = r["baseline"]
            lines += [f"**MkDocs + Material seuls, {num(r['n'])} actes dans la navigation** (mesuré le "
                      f"{b.get('date', r['date'])[:10]}) : "
                      f"{secs(b['build']['wall_s'])}, pic {mib(b['build']['peak_rss'])}, sortie "
                      f"{mib(b['output_bytes'])}, page d'acte {kib(b['act_page_max'])} max / "
                      f"{kib(b['act_page_mean'])} en moyenne, index lunr {mib(b['lunr_index_bytes'])}.", ""]
        if r.get("pagefind_cli"):
            p = r["pagefind_cli"]
            lines += [f"**Aperçu Pagefind (CLI lancée par le banc sur le site construit, {num(r['n'])} actes)** : "
                      f"indexation {secs(p['wall_s'])}, pic {mib(p['peak_rss'])}, index {mib(p['bytes'])}."
                      , ""]
        if r.get("cache_check"):
            c = r["cache_check"]
            lines += [f"**Cache, {num(r['n'])} actes + 1** : construction à chaud et à froid comparées fichier par "
                      f"fichier : {c['differing']} fichier{'s' if c['differing'] > 1 else ''} différent{'s' if c['differing'] > 1 else ''} sur {num(c['files'])}"
                      + (f", dont {c['differing_outside_pagefind']} hors de `pagefind/` (la sortie de Pagefind "
                         "n'est pas reproductible octet pour octet)" if "differing_outside_pagefind" in c else "")
                      + "."
                      , ""]
    if domain:
        lines += ["## Partie domaine seule (génération et `registre check`, sans site)", "",
                  "| Actes | Date | Commit | Génération | Pic génération | Fichiers des actes | `registre check` | "
                  "Pic check | Pour 1 000 actes |", "|---:|---|---|---:|---:|---:|---:|---:|---:|"]
        for d in domain:
            lines.append(f"| {num(d['n'])} | {d['date'][:10]} | {d['commit']} | {secs(d['generate']['wall_s'])} | "
                         f"{mib(d['generate']['peak_rss'])} | {mib(d['acts_bytes'])} ({num(d['acts_files'])}) | "
                         f"{secs(d['check']['wall_s'])} | {mib(d['check']['peak_rss'])} | "
                         f"{secs(d['check_per_1000_s'])} |")
        lines.append("")
    lines += ["## Objectifs de l'issue 4", ""]
    by_n = {r["n"]: r for r in sizes}
    r10 = by_n.get(10_000)
    r100 = by_n.get(100_000)
    targets = [
        ("10 000 actes : construction ≤ 4 × la borne inférieure",
         f"{r10['ratio_lower_bound']:.1f} ×" if r10 else "non mesuré",
         verdict(r10["ratio_lower_bound"] <= 4 if r10 else None)),
        ("10 000 actes : la même, PDF à froid compris (`registre pdf` + construction)",
         f"{r10['ratio_lower_bound_with_pdf']:.1f} ×" if r10 and r10.get("ratio_lower_bound_with_pdf")
         else "non mesuré dans cette exécution",
         verdict(r10["ratio_lower_bound_with_pdf"] <= 4 if r10 and r10.get("ratio_lower_bound_with_pdf") else None)),
        ("10 000 actes : chaque page d'acte ≤ 40 Kio", kib(r10["act_page_max"]) if r10 else "non mesuré",
         verdict(r10["act_page_max"] <= 40 * 1024 if r10 else None)),
        ("10 000 actes : pic mémoire ≤ 1,5 Gio", mib(r10["build"]["peak_rss"]) if r10 else "non mesuré",
         verdict(r10["build"]["peak_rss"] <= 1.5 * 2**30 if r10 else None)),
        ("10 000 actes : ajout d'un acte ≤ 15 % de la construction complète",
         f"{100 * r10['incremental_ratio']:.0f} %" if r10 and r10.get("incremental_ratio") else "non mesuré",
         verdict(r10["incremental_ratio"] <= 0.15 if r10 and r10.get("incremental_ratio") else None)),
        ("100 000 actes : la construction aboutit, pic mémoire ≤ 4 Gio",
         mib(r100["build"]["peak_rss"]) if r100 else "non mesuré",
         verdict(r100["build"]["peak_rss"] <= 4 * 2**30 if r100 else None)),
        ("100 000 actes : une requête transfère ≤ 1 Mio",
         kib(r100.get("search_bytes")) if r100 and r100.get("search_bytes") else "non mesuré",
         verdict(r100["search_bytes"] <= 2**20 if r100 and r100.get("search_bytes") else None)),
        ("100 000 actes : sitemap en fichiers de ≤ 50 000 URL avec un index",
         ", ".join(r100["sitemaps"]) if r100 else "non mesuré", "—"),
    ]
    lines += ["| Objectif | Mesure | Verdict |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in targets]
    lines.append("")
    breakdown = sorted(results.get("memory_breakdown", {}).values(), key=lambda r: r["n"])
    if breakdown:
        lines += ["## Mémoire par programme", "",
                  "Reconstruction avec le cache gardé (`--memory-breakdown`) : plus grand RSS atteint par un processus "
                  "de chaque programme (le pic de l'arbre, première colonne, est la somme à un même instant).", "",
                  "| Actes | Date | Pic de l'arbre | Par programme |", "|---:|---|---:|---|"]
        for b in breakdown:
            parts = ", ".join(f"{name} {mib(rss)}" for name, rss in b["peak_rss_by_command"].items()
                              if rss >= 8 * 2**20)
            lines.append(f"| {num(b['n'])} | {b['date'][:10]} | {mib(b['peak_rss'])} | {parts} |")
        lines.append("")
    machines = {json.dumps(r.get("machine", {}), sort_keys=True) for r in sizes + domain if r.get("machine")}
    lines += ["## Machine", ""]
    for text in sorted(machines):
        m = json.loads(text)
        packages = ", ".join(f"{k} {v}" for k, v in m.get("packages", {}).items())
        lines += [f"- {m['nproc']} cœurs ({m['cpu']}), {mib(m['memory_bytes'])} de mémoire, {m['system']}, "
                  f"Python {m['python']}", f"- {packages}", ""]
    lines += ["Machine partagée : les temps varient de quelques pour cent d'une exécution à l'autre.", ""]
    profile = results.get("profile")
    if profile:
        kind = ("à chaud : .cache/ de la construction précédente gardé, PDF repris du cache" if profile.get("warm")
                else "à froid")
        lines += [f"## Profil de la construction de {num(profile['n'])} actes (cProfile, {profile['date'][:10]}, "
                  f"{kind})", "",
                  f"Temps sous cProfile : {secs(profile['wall_s_under_cprofile'])} (cProfile ralentit le code "
                  "Python ; les proportions comptent, pas les secondes). Temps cumulés (les étapes s'emboîtent) :",
                  "", "| Étape | Temps cumulé | Part | Appels |", "|---|---:|---:|---:|"]
        for stage in profile["stages"]:
            lines.append(f"| {stage['stage']} | {stage['cum_s']:.1f} s | {100 * (stage['share'] or 0):.0f} % | "
                         f"{num(stage['calls'])} |")
        lines += ["", "Gabarits Jinja : blocs et macros les plus coûteux (temps cumulé ; ils s'emboîtent) :", "",
                  "| Bloc | Temps cumulé |", "|---|---:|"]
        for block in profile.get("template_blocks", [])[:15]:
            lines.append(f"| `{block['template']}` | {block['cum_s']:.1f} s |")
        lines += ["", "Temps propre par composant :", "", "| Composant | Temps propre |", "|---|---:|"]
        for group, seconds in profile["self_time_by_group"].items():
            if seconds >= 0.1:
                lines.append(f"| {group} | {seconds:.1f} s |")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai de la construction du registre.")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help="nombres d'actes (par défaut : %(default)s)")
    parser.add_argument("--large", action="store_true", help=f"ajouter {LARGE_SIZE:,} actes (long)")
    parser.add_argument("--baseline", action="store_true",
                        help=f"mesurer aussi MkDocs + Material seuls à {BASELINE_SIZE:,} actes (long, ~1,5 Go écrits)")
    parser.add_argument("--keep-baseline", action="store_true", help="garder le site MkDocs + Material seuls")
    parser.add_argument("--domain-only", action="store_true",
                        help="seulement la génération et `registre check` (pas de site)")
    parser.add_argument("--profile", action="store_true",
                        help="profiler (cProfile) la construction du plus grand N au lieu de la mesurer")
    parser.add_argument("--warm", action="store_true",
                        help="avec --profile : garder .cache/ (profil d'une reconstruction, PDF en cache)")
    parser.add_argument("--query", default=DEFAULT_QUERY, help="requête de recherche mesurée")
    parser.add_argument("--no-search", action="store_true", help="ne pas mesurer la recherche")
    parser.add_argument("--no-incremental", action="store_true", help="ne pas mesurer l'ajout d'un acte")
    parser.add_argument("--verify-cache", action="store_true",
                        help="après l'ajout d'un acte, reconstruire à froid et comparer les deux sites")
    parser.add_argument("--pagefind-cli", action="store_true",
                        help="si le site n'a pas d'index Pagefind, le créer avec la CLI pour mesurer la recherche "
                             "(aperçu, hors temps de construction)")
    parser.add_argument("--no-write", action="store_true", help="ne pas mettre à jour bench/RESULTS.md")
    parser.add_argument("--memory-breakdown", action="store_true",
                        help="reconstruire à chaud le plus grand N et noter le pic mémoire de chaque programme "
                             "(mkdocs, pagefind, processus fils)")
    parser.add_argument("--rewrite", action="store_true",
                        help="réécrire bench/RESULTS.md depuis bench/results.json (et le profil enregistré), sans mesurer")
    parser.add_argument("--garder-pdf", action="store_true",
                        help="garder le magasin de PDF (.cache/registre/pdf) d'une exécution précédente")
    parser.add_argument("--sans-pdf", action="store_true",
                        help="registre construit avec « pdf: false » (100 000 actes : des heures de WeasyPrint)")
    parser.add_argument("--sans-borne", action="store_true",
                        help="ne mesurer ni la borne inférieure ni registre check (100 000 actes : gain de temps)")
    parser.add_argument("--lower-bound", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.lower_bound:
        print(json.dumps(lower_bound(args.lower_bound)))
        return 0
    sizes = sorted(set(args.sizes + ([LARGE_SIZE] if args.large else [])))
    if args.baseline and BASELINE_SIZE not in sizes:
        sizes = sorted(set(sizes) | {BASELINE_SIZE})
    results = load_results()
    if args.rewrite:
        for record in results.get("sizes", {}).values():
            for key in ("build", "incremental"):
                if record.get(key) and "plugin_log" not in record[key] and (ROOT / record[key]["log"]).exists():
                    record[key]["plugin_log"] = plugin_log(record[key])
        profile = results.get("profile")
        if profile and (OUT / f"profile-n{profile['n']}.prof").exists():
            fresh = analyse_profile(OUT / f"profile-n{profile['n']}.prof")
            results["profile"] = {**profile, **fresh}
        save_results(results)
        return 0
    info = machine()
    if args.memory_breakdown:
        n = max(sizes)
        project = ensure_register(n)
        shutil.rmtree(project / "site", ignore_errors=True)
        print(f"[{n}] reconstruction à chaud (cache gardé) pour la mémoire par programme…", flush=True)
        result = measure(mkdocs_build(), project, label=f"memory-n{n}")
        result["plugin_log"] = plugin_log(result)
        result.update(date=now(), commit=git_commit(), n=n, warm=(project / ".cache").exists())
        for name, rss in result["peak_rss_by_command"].items():
            print(f"  {mib(rss):>10}  {name}")
        if not args.no_write:
            results.setdefault("memory_breakdown", {})[str(n)] = result
            save_results(results)
        return 0
    if args.profile:
        analysis = profile_build(max(sizes), warm=args.warm, pdf=not args.sans_pdf)
        if not args.no_write:
            results["profile"] = analysis
            save_results(results)
        return 0
    for n in sizes:
        if args.domain_only:
            record = run_domain(n)
            record["machine"] = info
            results.setdefault("domain", {})[str(n)] = record
        else:
            record = run_size(n, args)
            record["machine"] = info
            previous = results.get("sizes", {}).get(str(n), {})
            if "baseline" not in record and previous.get("baseline"):  # not re-measured: keep the last one
                record["baseline"] = dict(previous["baseline"], date=previous["baseline"].get("date", previous["date"]))
                record["ratio_plain"] = round(record["build"]["wall_s"] / record["baseline"]["build"]["wall_s"], 3)
            results.setdefault("sizes", {})[str(n)] = record
        if not args.no_write:
            save_results(results)
    if not args.no_write:
        print(f"\nRésultats : {RESULTS_MD.relative_to(ROOT)}")
        print("\n".join(line for line in RESULTS_MD.read_text(encoding="utf-8").splitlines()
                        if line.startswith("|")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
