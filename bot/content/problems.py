"""Problems found in a content pack, and the one error that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass, replace

Location = tuple[str | int, ...]


def path_text(path: Location) -> str:
    """A location inside a file, like ``[3].checklist`` or ``months.end``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: the file (relative to the pack), where inside it, and what is wrong.
    `line` is the 1-based line in the file when it is known."""

    file: str
    path: Location
    message: str
    line: int | None = None

    def with_line(self, line: int | None) -> Problem:
        return replace(self, line=line)

    def __str__(self) -> str:
        where = path_text(self.path)
        text = f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"
        return f"{text} (line {self.line})" if self.line is not None else text


class ContentError(Exception):
    """A content pack that cannot be used; `errors` lists every problem, one per line."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        count = len(errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"the content pack has {count} {noun}:\n" + "\n".join(errors))
