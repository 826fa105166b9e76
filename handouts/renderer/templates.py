"""Template + context -> HTML, through one Jinja2 template set with overlays.

A module's own templates folder shadows the bundled files one by one (as
rendercv and mkdocs do). Every template renders in Jinja2's sandbox: a
template is code a teacher may have copied from anywhere, and it must not
reach Python's internals. Errors name the template file and line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from handouts.errors import Problem, ProblemsError
from handouts.layout import find_on_path

STYLESHEET = "print.css"


class OverlayLoader(jinja2.BaseLoader):
    """Templates from the first folder of the search path that has them, found as every
    template file is (`find_on_path`: no link out of the folders, no FIFO or device)."""

    def __init__(self, search: tuple[Path, ...]):
        self.search = search

    def get_source(self, environment: jinja2.Environment, template: str):
        name = "/".join(split_template_path(template))  # refuses '..'
        path = find_on_path(self.search, name)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            cause = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error.strerror
            raise ProblemsError([Problem(path, f"cannot read the template: {cause}")]) from None
        mtime = path.stat().st_mtime
        return source, str(path), lambda: path.is_file() and path.stat().st_mtime == mtime


@lru_cache(maxsize=4)
def environment(search: tuple[Path, ...]) -> jinja2.Environment:
    """Sandboxed, autoescaping, undefined names are errors: a typo never prints blank."""
    return ImmutableSandboxedEnvironment(
        loader=OverlayLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(search: tuple[Path, ...], name: str, **context) -> str:
    """Render template `name`; every template error is a Problem naming file and line."""
    env = environment(search)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        path = Path(error.filename or search[0] / (error.name or name))
        raise ProblemsError(
            [
                Problem(
                    path,
                    f"template syntax error: {error.message}",
                    error.lineno,
                    hint="fix the template; the lesson files are not the cause",
                )
            ]
        ) from None
    except jinja2.TemplateNotFound as error:
        raise ProblemsError(
            [
                Problem(
                    search[0] / (error.name or name),
                    "template not found",
                    hint="templates are read from " + ", then ".join(map(str, search)),
                )
            ]
        ) from None
    except jinja2.exceptions.SecurityError as error:
        path, line = _template_frame(error, search[0] / name)
        raise ProblemsError(
            [
                Problem(
                    path,
                    f"template refused: {error}",
                    line,
                    hint="templates may use the lesson's fields, filters and macros only,"
                    " not Python internals",
                )
            ]
        ) from None
    except jinja2.TemplateError as error:  # undefined names and other errors while rendering
        path, line = _template_frame(error, search[0] / name)
        raise ProblemsError(
            [Problem(path, f"template error: {error.message or error}", line)]
        ) from None


def _template_frame(error: BaseException, entry: Path) -> tuple[Path, int | None]:
    """The template file and line where a rendering error happened (Jinja keeps them)."""
    found: tuple[Path, int | None] = (entry, None)
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (Path(filename), traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def stylesheet_text(search: tuple[Path, ...]) -> str:
    """The print stylesheet; a missing or unreadable file is a user error naming it."""
    path = find_on_path(search, STYLESHEET)
    try:
        if path is None:
            raise OSError
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ProblemsError(
            [
                Problem(
                    path or search[0] / STYLESHEET,
                    "stylesheet not found or unreadable",
                    hint="a template folder needs print.css (UTF-8)",
                )
            ]
        ) from None
