"""Forms of the workbench pages. Forms parse and render; the services validate the domain rules."""
