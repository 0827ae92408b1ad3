"""Pages of this app; thin: validate, call a service or selector, render."""
