"""What cadres contributes to the shell: menu entries, panels on the organization and member pages, dashboard cards,
the reorganization handler (terms, bodies and posts of an organization that ends) and the member events that end a
holding (core.registry)."""
