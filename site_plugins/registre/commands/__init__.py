"""Sub-commands of the ``registre`` CLI (see :mod:`registre.cli`)."""
