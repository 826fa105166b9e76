"""From validated lessons to HTML (Jinja2) and to PDF (WeasyPrint)."""
