"""One build of the site: loading the register with its caches, page keys, kept pages, the previous site."""
