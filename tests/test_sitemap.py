"""Sitemaps split at the protocol's 50,000 URLs (issue 4), on a real build."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET

from test_rules import delib

from registre.publish.sitemap import NS, split_sitemap


def urls(path):
    return [loc.text for loc in ET.parse(path).getroot().iter(f"{{{NS}}}loc")]


def test_small_site_keeps_one_sitemap(built_demo):
    locs = urls(built_demo.site / "sitemap.xml")
    assert "https://registre.example.org/actes/decision-2025-11/" in locs
    assert not (built_demo.site / "sitemap-1.xml").exists()


def test_sitemap_split_into_index_and_parts(project):
    for numero in range(1, 8):
        project.add(f"2025/deliberation-2025-{numero}.md", delib(numero, "2025-04-10"))
    assert project.build().returncode == 0
    before = urls(project.site / "sitemap.xml")
    assert len(before) > 10
    written = split_sitemap(project.site, "https://registre.test/", max_urls=5)
    assert written == -(-len(before) // 5)
    index = ET.parse(project.site / "sitemap.xml").getroot()
    assert index.tag == f"{{{NS}}}sitemapindex"
    parts = [project.site / f"sitemap-{n}.xml" for n in range(1, written + 1)]
    assert urls(project.site / "sitemap.xml") == [f"https://registre.test/sitemap-{n}.xml" for n in range(1, written + 1)]
    assert sum((urls(p) for p in parts), []) == before  # every URL kept, in order
    assert all(len(urls(p)) <= 5 for p in parts)
    assert gzip.decompress((project.site / "sitemap-1.xml.gz").read_bytes()) == (project.site / "sitemap-1.xml").read_bytes()
