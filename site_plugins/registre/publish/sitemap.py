"""Sitemaps for large registers: at most 50,000 URLs per file (sitemaps.org).

MkDocs writes one ``sitemap.xml`` with the pages it built, each dated with
the day of the build.  This post-build step writes it again from the
register: every act page (also those of the years a build per year left to
other jobs, see the plugin option ``annees``), dated with the day the act or
a later act changing it went online, plus the other pages (MkDocs' and those
kept from an earlier build), undated; in
address order, so that every build of the same register gives the same
bytes.  Past the protocol's limit it is split into ``sitemap-1.xml``,
``sitemap-2.xml``… and ``sitemap.xml`` becomes a sitemap index, so the
address search engines know keeps working.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

from registre.domain.addresses import act_url, annex_url
from registre.domain.lifecycle import changes_in_force, executory_date
from registre.domain.model import Act
from registre.domain.register import Register
from registre.publish.context import BuildContext

MAX_URLS = 50_000
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _write(path: Path, root: ET.Element) -> None:
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
    path.write_bytes(data)
    # mtime=0: the same sitemap gives the same .gz bytes on every build.
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, mtime=0))


def split_sitemap(site_dir: Path, base_url: str, max_urls: int = MAX_URLS) -> int:
    """Split ``site_dir/sitemap.xml`` when it lists more than ``max_urls``
    URLs; returns the number of files written (0 when nothing to do)."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return 0
    ET.register_namespace("", NS)
    urls = ET.parse(sitemap).getroot().findall(f"{{{NS}}}url")
    if len(urls) <= max_urls:
        return 0
    chunks = [urls[i:i + max_urls] for i in range(0, len(urls), max_urls)]
    index = ET.Element(f"{{{NS}}}sitemapindex")
    for number, chunk in enumerate(chunks, start=1):
        urlset = ET.Element(f"{{{NS}}}urlset")
        urlset.extend(chunk)
        name = f"sitemap-{number}.xml"
        _write(site_dir / name, urlset)
        entry = ET.SubElement(index, f"{{{NS}}}sitemap")
        ET.SubElement(entry, f"{{{NS}}}loc").text = f"{base_url}{name}"
    _write(sitemap, index)
    return len(chunks)


def act_lastmod(register: Register, act: Act) -> str:
    """When the act's page last changed in substance: it went online, or a later act
    changed it (modified, abrogated…) by becoming executory."""
    days = [act.publication or act.date]
    for _, later in register.changed_by.get(act.identifier, ()):
        if changes_in_force(later, register.today):
            days.append(executory_date(later))
    return max(days).isoformat()


def register_sitemap(sitemap: Path, build: BuildContext) -> None:
    """Rewrite MkDocs' ``sitemap.xml``: see the module's docstring."""
    ET.register_namespace("", NS)
    base = build.site_url or "/"
    entries: dict[str, str | None] = {}
    for loc in ET.parse(sitemap).getroot().iter(f"{{{NS}}}loc"):
        text = (loc.text or "").strip()
        if text and not text[len(base):].startswith("actes/"):
            entries[text] = None
    for url in build.kept_urls:  # listings and matière pages kept from an earlier build
        if not url.startswith("actes/"):
            entries[base + url] = None
    register = build.register
    for act in register.online:
        lastmod = act_lastmod(register, act)
        entries[base + act_url(act.identifier)] = lastmod
        for annex in act.annexes:
            if annex.is_markdown:
                entries[base + annex_url(act, annex)] = lastmod
    root = ET.Element(f"{{{NS}}}urlset")
    for loc in sorted(entries):
        url = ET.SubElement(root, f"{{{NS}}}url")
        ET.SubElement(url, f"{{{NS}}}loc").text = loc
        if entries[loc]:
            ET.SubElement(url, f"{{{NS}}}lastmod").text = entries[loc]
    ET.indent(root)
    _write(sitemap, root)


def write_sitemaps(build: BuildContext) -> None:
    """Post-build step: the register's sitemap (and its ``.gz``, without a time stamp),
    split when too long."""
    sitemap = build.site_dir / "sitemap.xml"
    if sitemap.is_file():
        register_sitemap(sitemap, build)
        split_sitemap(build.site_dir, build.site_url)
