"""Sitemaps for large registers: at most 50,000 URLs per file (sitemaps.org).

MkDocs writes one ``sitemap.xml`` (and its ``.gz``) with every page.  Past
the protocol's limit this post-build step splits it into ``sitemap-1.xml``,
``sitemap-2.xml``… and turns ``sitemap.xml`` into a sitemap index, so the
address search engines know keeps working.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

from .outputs import BuildContext

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


def write_sitemaps(build: BuildContext) -> None:
    """Post-build step."""
    split_sitemap(build.site_dir, build.site_url)
