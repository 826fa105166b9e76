"""LessonView + Edition -> HTML, through one Jinja2 template set."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from handouts.editions import TEACHER, Edition
from handouts.errors import Problem, ProblemsError
from handouts.guide import GuideView
from handouts.schema import Paper
from handouts.view import LessonView

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
ENTRY_TEMPLATE = "lesson.html.j2"
GUIDE_TEMPLATE = "guide.html.j2"
PAPER_CSS = {Paper.a4: "A4", Paper.letter: "letter"}


@lru_cache(maxsize=4)
def environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    """Autoescaping on, undefined names are errors: a template typo never prints blank."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    view: LessonView, edition: Edition, paper: Paper, templates_dir: Path = TEMPLATES_DIR
) -> str:
    """The HTML of one edition of one lesson."""
    return render_page(ENTRY_TEMPLATE, templates_dir, lesson=view, edition=edition, paper=paper)


def render_guide_html(view: GuideView, paper: Paper, templates_dir: Path = TEMPLATES_DIR) -> str:
    """The HTML of the module's teacher guide (every lesson in the teacher edition)."""
    return render_page(GUIDE_TEMPLATE, templates_dir, guide=view, edition=TEACHER, paper=paper)


def render_page(name: str, templates_dir: Path, *, paper: Paper, **context) -> str:
    """Render template `name`; template errors name the template and line."""
    env = environment(templates_dir)
    try:
        template = env.get_template(name)
        return template.render(paper_css=PAPER_CSS[paper], **context)
    except jinja2.TemplateSyntaxError as error:
        path = Path(error.filename or templates_dir / (error.name or name))
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
                    templates_dir / (error.name or name),
                    "template not found",
                    hint=f"templates are read from {templates_dir}",
                )
            ]
        ) from None
    except jinja2.TemplateError as error:  # undefined names and other errors while rendering
        path, line = _template_frame(error, templates_dir / name)
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


def stylesheet_text(templates_dir: Path = TEMPLATES_DIR) -> str:
    """The print stylesheet; a missing file is a user error naming it."""
    path = templates_dir / "print.css"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise ProblemsError(
            [Problem(path, "stylesheet not found", hint="a template folder needs print.css")]
        ) from None
