"""The only way WeasyPrint may load anything: bundled files and data: URLs.

Lesson text is untrusted. Even though it is escaped, every resource the
renderer asks for goes through this fetcher, which allows `file:` paths
inside the allowed folders (after resolving symlinks and '..'), PNG and JPEG
files inside the module's images folder, and `data:`; nothing else, no
network, no redirects. A refusal stops the render.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher

from handouts.errors import ProblemsError
from handouts.layout import IMAGE_SUFFIXES, find_on_path


class BlockedResource(FatalURLFetchingError):
    """A resource outside the allowed folders was requested."""

    def __init__(self, url: str):
        super().__init__(f"blocked a request for {url[:200]}")
        self.url = url


class RestrictedFetcher(URLFetcher):
    """URLFetcher that serves only data: URLs and files inside `allowed` folders.

    The folders are a search path: a file asked for in one of them is served
    from the first folder that has a file of that name (a module's own
    templates shadow the bundled ones, fonts and images included).
    """

    def __init__(self, allowed: list[Path] | tuple[Path, ...], images: Path | None = None):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)
        self.allowed = [folder.resolve() for folder in allowed]
        self.images = images.resolve() if images is not None else None
        """Image documents: served from here only, PNG and JPEG only, never overlaid."""

    def _image(self, path: Path) -> Path | None:
        if self.images is None or not path.is_relative_to(self.images):
            return None
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file():
            return path  # already resolved: symlinks and '..' cannot lead outside
        return None

    def _overlay(self, path: Path) -> Path | None:
        """A file of the template folders, found as every template file is (`find_on_path`):
        the first folder that has it wins; a link out of the folders is refused."""
        for folder in self.allowed:
            if path.is_relative_to(folder):
                try:
                    found = find_on_path(tuple(self.allowed), str(path.relative_to(folder)))
                except ProblemsError:
                    raise BlockedResource(path.as_uri()) from None
                return found.resolve() if found is not None else None
        return None

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise BlockedResource(url)
            path = Path(unquote(parts.path)).resolve()
            found = self._overlay(path) or self._image(path)
            if found is not None:
                return super().fetch(found.as_uri(), headers)
        raise BlockedResource(url)
