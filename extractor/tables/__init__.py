"""Tables parsed by code from the one-cell-a-line token stream, driven by template specs."""
