"""The MkDocs adapter: options and small event handlers delegating to :mod:`registre.build`."""

from registre.plugin.plugin import RegistrePlugin

__all__ = ["RegistrePlugin"]
