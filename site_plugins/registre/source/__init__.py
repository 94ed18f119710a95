"""Reading an act file: front matter with line numbers, then the act's schema."""
