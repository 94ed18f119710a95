"""Act pages rendered by forked processes, with the engine's own page functions.

Started once the navigation is final (``on_nav``): each process is a copy of the build at that
point (configuration, files, navigation, the plugin and its :class:`SiteBuild`).  It builds its
Jinja environment as MkDocs does (the theme's, then every plugin's ``on_env``), reads the pages of
the navigation as MkDocs does before writing any page (their titles come from their text), then
renders its share of the act pages with ``_populate_page`` and ``_build_page``, the functions of
MkDocs' own build: same events, same templates, same bytes, written into the staging folder and
kept in the page cache.  For the engine's process, these pages are like pages kept from an
earlier build: MkDocs never sees them.

What a process logs is sent to the engine's process and logged there (``mkdocs build --strict``
counts its warnings); each page written is reported as it goes (the search index starts on a part
as soon as its pages are all written); an error stops the build with its message, as it would in
one process.  Which pages go where: :mod:`registre.build.render_share`.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import threading
from typing import Callable

import mkdocs  # under ProperDocs, its own module: « properdocs »
from mkdocs.commands import build as engine_build  # and its own build module
from mkdocs.exceptions import MkDocsException
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.pages import Page

from registre.domain.plurals import counted
from registre.plugin.page_files import render_here
from registre.plugin.page_warnings import FROM_WORKER, PageWarnings
from registre.site.pages import GeneratedPage


class _Forward(logging.Handler):
    """A forked process's log records, sent to the engine's process."""

    def __init__(self, conn) -> None:
        super().__init__(logging.DEBUG)
        self.conn = conn
        self.muted = False  # while it reads the navigation's pages: the engine's process logs their warnings

    def emit(self, record: logging.LogRecord) -> None:
        if self.muted:
            return
        try:
            self.conn.send(("log", record.name, record.levelno, record.getMessage()))
        except Exception:  # noqa: BLE001 - the engine's process is gone: nobody to tell
            pass


def _render(conn, config, files, nav, pages: list[GeneratedPage], plugin) -> None:
    """In the forked process: render ``pages`` as MkDocs would, report each one."""
    gc.enable()
    engine_log = logging.getLogger(mkdocs.__name__)  # « mkdocs », or « properdocs » under ProperDocs
    forward = _Forward(conn)
    for logger in {logging.getLogger(), logging.getLogger("mkdocs"), engine_log}:
        for handler in list(logger.handlers):
            if not isinstance(handler, PageWarnings):  # this process names the pages it warns about
                logger.removeHandler(handler)
        logger.addHandler(forward)
        if logger is not logging.getLogger():
            logger.propagate = False  # once each
    current = None
    try:
        plugin.enter_worker()
        env = config.theme.get_env()
        env = config.plugins.on_env(env, config=config, files=files)
        forward.muted = True
        for page in nav.pages:  # read before any page is written, as in MkDocs' build
            current = page.file.src_uri
            engine_build._populate_page(page, config, files)
        forward.muted = False
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        anchors = config.validation.links.anchors
        for generated in pages:
            current = generated.src_uri
            file = render_here(files.get_file_from_path(generated.src_uri), generated)
            page = Page(None, file, config)
            engine_build._populate_page(page, config, files)
            engine_build._build_page(page, config, doc_files, nav, env)
            page.validate_anchor_links(files=files, log_level=anchors)  # MkDocs checks its own pages' after the last
            conn.send(("page", generated.src_uri, plugin.page_done(generated.src_uri)))
        conn.send(("done",))
    except BaseException as exc:  # noqa: BLE001 - reported to the engine's process, which stops the build
        french = isinstance(exc, MkDocsException)  # the plugin's errors (PluginError) are written in French
        try:
            conn.send(("error", current, type(exc).__name__, str(exc), french))
        except Exception:  # noqa: BLE001
            pass
    finally:
        conn.close()


class RenderWorkers:
    """The processes rendering act pages for this build, seen from the engine's process."""

    def __init__(self, on_page: Callable[[str, str | None], None]) -> None:
        self.on_page = on_page  # SiteBuild.written_elsewhere
        self.processes: list = []
        self.listeners: list[threading.Thread] = []
        self.errors: list[str] = []
        self.rendered = 0
        self._lock = threading.Lock()

    def start(self, config, files, nav, shares: list[list[GeneratedPage]], plugin) -> None:
        context = multiprocessing.get_context("fork")
        pipes = []
        # The build's objects stay where they are: a forked process touches only what it uses
        # (the collector of cycles would otherwise visit, and copy, every object).
        collecting = gc.isenabled()
        gc.disable()
        gc.freeze()
        try:
            for number, share in enumerate(shares, start=1):
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_render, args=(sender, config, files, nav, share, plugin),
                                          name=f"registre-pages-{number}", daemon=True)
                try:
                    process.start()
                finally:
                    sender.close()
                self.processes.append(process)
                pipes.append((receiver, process, share))
        except OSError:  # no memory or no process left for a fork: the caller renders the pages itself
            for process in self.processes:
                process.kill()
                process.join()
            for receiver, _, _ in pipes:
                receiver.close()
            self.processes = []
            raise
        finally:
            gc.unfreeze()
            if collecting:
                gc.enable()
        for receiver, process, share in pipes:  # threads only once every process is forked
            listener = threading.Thread(target=self._listen, args=(receiver, process, len(share)),
                                        name=f"{process.name}-suivi", daemon=True)
            listener.start()
            self.listeners.append(listener)

    def _listen(self, conn, process, expected: int) -> None:
        done, error, count = False, None, 0
        try:
            while True:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    break
                kind = message[0]
                if kind == "page":
                    count += 1
                    try:
                        self.on_page(message[1], message[2])
                    except Exception as exc:  # noqa: BLE001 - the build must not end as if the page were there
                        error = error or (f"page {message[1]} rendue par {process.name} mais non prise en compte "
                                          f"({type(exc).__name__} : {exc}). Correction : relancez la construction.")
                elif kind == "log":
                    _, name, level, text = message
                    logging.getLogger(name).log(level, "%s", text, extra={FROM_WORKER: True})
                elif kind == "done":
                    done = True
                elif kind == "error":
                    _, page, exc_type, text, french = message
                    where = f" (page {page})" if page else ""
                    error = text if french else (f"erreur pendant le rendu des pages d'actes{where} : {exc_type} : "
                                                 f"{text}. Correction : corrigez la cause indiquée ; pour rendre "
                                                 "toutes les pages dans un seul processus, lancez la construction "
                                                 "avec REGISTRE_RENDER_WORKERS=0.")
        finally:
            conn.close()
            process.join()
        if error is None and (not done or count != expected):
            error = (f"le processus de rendu {process.name} s'est arrêté avant la fin (code {process.exitcode}, "
                     f"{counted(count, 'page')} sur {expected}). Correction : vérifiez la mémoire disponible, "
                     "relancez ; pour rendre toutes les pages dans un seul processus : REGISTRE_RENDER_WORKERS=0.")
        with self._lock:
            self.rendered += count
            if error is not None:
                self.errors.append(error)

    def wait(self) -> list[str]:
        """Wait for every process; the French messages of those that failed."""
        for listener in self.listeners:
            listener.join()
        return list(self.errors)

    def stop(self) -> None:
        """The build failed: stop the processes."""
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for listener in self.listeners:
            listener.join(timeout=30)
