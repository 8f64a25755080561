"""One spider module per outlet, a shared base and a generic spider."""
