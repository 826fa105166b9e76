"""The only way WeasyPrint may load anything: bundled files and data: URLs.

Lesson text is untrusted. Even though it is escaped, every resource the
renderer asks for goes through this fetcher, which allows `file:` paths
inside the allowed folders (after resolving symlinks and '..') and `data:`;
nothing else, no network, no redirects. A refusal stops the render.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher


class BlockedResource(FatalURLFetchingError):
    """A resource outside the allowed folders was requested."""

    def __init__(self, url: str):
        super().__init__(f"blocked a request for {url[:200]}")
        self.url = url


class RestrictedFetcher(URLFetcher):
    """URLFetcher that serves only data: URLs and files inside `allowed` folders."""

    def __init__(self, allowed: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)
        self.allowed = [folder.resolve() for folder in allowed]

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise BlockedResource(url)
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(folder) for folder in self.allowed) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        raise BlockedResource(url)
