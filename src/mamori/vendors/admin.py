"""Admin views of the vendors app (read-mostly: changes go through the pages and services)."""
