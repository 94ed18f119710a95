"""registre: the register of a French commune's acts, checked against the law and published with MkDocs."""

__version__ = "0.1.0"
