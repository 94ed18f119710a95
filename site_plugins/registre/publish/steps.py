"""What a build publishes besides the pages: the pages each output adds, then the steps that write files.

The one list of the outputs (their order matters, see the comments): the build asks
:data:`PAGE_PROVIDERS` for the pages to add to the site and :func:`run_steps` writes the files
once MkDocs has written the pages.
"""

from __future__ import annotations

from typing import Callable, Iterator

from registre.domain.register import Register
from registre.publish.context import BuildContext
from registre.publish.exports import donnees_pages, write_exports
from registre.publish.pdf import sealed_pdf_records, write_pdfs
from registre.publish.seance_files import seance_pages, write_seance_files
from registre.publish.search import index_site, search_pages
from registre.publish.sitemap import write_sitemaps
from registre.publish.verify_page import verify_pages, write_integrity_files
from registre.seal.ledger import FileProvider
from registre.site.matieres import matiere_pages
from registre.site.pages import GeneratedPage

Step = Callable[[BuildContext], None]
PageProvider = Callable[[Register], Iterator[GeneratedPage]]

# Pages added to the site's own (acts, annexes, lists, séances, donné acte), in this order.
# The séances (index and a page per séance, with the PDFs/A of their liste and procès-verbal) come first.
PAGE_PROVIDERS: tuple[PageProvider, ...] = (seance_pages, donnees_pages, verify_pages, search_pages, matiere_pages)

STEPS: tuple[Step, ...] = (
    write_exports,
    write_pdfs,
    write_seance_files,  # the séances' liste and procès-verbal (PDF/A) and signed procès-verbal
    write_sitemaps,
    write_integrity_files,  # lists the files written above
    index_site,  # last: Pagefind indexes the last part of the search index in the background meanwhile
)

# Files published with an online act beside its annexes and signed original: ``registre seal``
# records each new version of them (a ``complement`` line), and earlier versions keep verifying.
SEALED_FILE_PROVIDERS: tuple[FileProvider, ...] = (sealed_pdf_records,)


def run_steps(build: BuildContext) -> None:
    for step in STEPS:
        step(build)
