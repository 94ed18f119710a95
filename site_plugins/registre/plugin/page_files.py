"""The generated pages in MkDocs' files: rendered by MkDocs here, or known for links only.

Every act page is one of MkDocs' files, so that a relative link to it (``../deliberation-2025-1/
index.md`` in another act, or in a Markdown annex) resolves to its address as in a build without
cache, whoever renders it.  A page kept from an earlier build, or rendered by another process
(:mod:`registre.plugin.render_workers`), is an :class:`ElsewhereFile`: MkDocs knows its address
but neither renders it nor copies anything for it.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel

from registre.site.pages import GeneratedPage


class ElsewhereFile(File):
    """A generated page MkDocs does not render in this process (see :func:`elsewhere`)."""

    def is_documentation_page(self) -> bool:
        return False

    def is_media_file(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        return None


def here(config: MkDocsConfig, generated: GeneratedPage) -> File:
    """A generated page MkDocs renders in this process."""
    return File.generated(config, generated.src_uri, content=generated.markdown(), inclusion=InclusionLevel.NOT_IN_NAV)


def elsewhere(config: MkDocsConfig, src_uri: str) -> File:
    """A generated page MkDocs only knows the address of."""
    file = File.generated(config, src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
    # Its addresses as a page's (MkDocs computes them once, from is_documentation_page()).
    _ = file.dest_uri, file.url, file.abs_dest_path
    file.__class__ = ElsewhereFile
    return file


def render_here(file: File, generated: GeneratedPage) -> File:
    """An :class:`ElsewhereFile` this process renders after all (its addresses stay)."""
    if isinstance(file, ElsewhereFile):
        file.__class__ = File
    file.content_string = generated.markdown()
    return file
