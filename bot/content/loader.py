"""Loads a pack directory into a ContentPack, collecting every problem before giving up.

Each file is parsed with PyYAML's safe loader (what ``yaml.safe_load`` uses; the node tree is
kept so that problems carry line numbers), each entry is checked by its model on its own, then
:mod:`bot.content.validate` checks across entries and files, and renders every view of a pack
that passed all of that. Problems come out in file order, as ``file: path: message (line N)``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

import bot
from bot.content import validate
from bot.content.explain import describe, problems_of
from bot.content.model import (
    Certification,
    Challenge,
    CheckinQuestion,
    ContentPack,
    Feed,
    PackInfo,
    Phase,
    Project,
    Reading,
    Sentence,
    Specialization,
    Step,
    Topic,
)
from bot.content.problems import ContentError, Location, Problem
from bot.content.validate import CHALLENGE_FILE, CHALLENGES_DIR, Collected, Entry

FILES = (
    "pack.yaml",
    "topics.yaml",
    "phases.yaml",
    "steps.yaml",
    "readings.yaml",
    "certifications.yaml",
    "projects.yaml",
    "specializations.yaml",
    "icebreakers.yaml",
    "checkin.yaml",
    "feeds.yaml",
)
"""The files every pack has, besides the challenges directory."""

M = TypeVar("M", bound=BaseModel)
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SENTENCE: TypeAdapter[str] = TypeAdapter(Sentence, config=ConfigDict(strict=True))


def default_content_dir() -> Path:
    """The built-in pack: in an installed wheel it is package data (bot/content/pack, mapped
    from content/ by pyproject.toml); in a checkout or an editable install, content/ itself."""
    packaged = Path(__file__).resolve().parent / "pack"
    return packaged if packaged.is_dir() else Path(bot.__file__).resolve().parents[1] / "content"


PackCheck = Callable[[ContentPack], list[Problem]]
"""A check another package runs on each complete pack (bot/roadmap/fit.py renders every
view), handed in so that content depends on no feature."""


def load_pack(root: Path, checks: Sequence[PackCheck] = ()) -> ContentPack:
    """The pack in `root`, or :class:`ContentError` listing every problem it has, its own and
    those `checks` find."""
    root = root.expanduser().resolve()
    if not root.is_dir():
        raise ContentError([f"{root}: not a directory with a content pack"])
    reader = _Reader(root)
    data = reader.read()
    problems = reader.problems + validate.check(data)
    if problems or data.info is None:
        raise ContentError(reader.report(problems))
    pack = ContentPack(
        root=root,
        info=data.info,
        topics=_items(data.topics),
        phases=_items(data.phases),
        steps=_items(data.steps),
        challenges=_items(data.challenges),
        readings=_items(data.readings),
        certifications=_items(data.certifications),
        projects=_items(data.projects),
        specializations=_items(data.specializations),
        icebreakers=_items(data.icebreakers),
        checkin=_items(data.checkin),
        feeds=_items(data.feeds),
    )
    view_problems = [problem for check in checks for problem in check(pack)]
    if view_problems:
        raise ContentError(reader.report(view_problems))
    return pack


T = TypeVar("T")


def _months(phases: list[object]) -> list[tuple[int, int | None]] | None:
    """The months of every phase as written, or None when any of them is unreadable."""
    months: list[tuple[int, int | None]] = []
    for raw in phases:
        value = raw.get("months") if isinstance(raw, dict) else None
        if not isinstance(value, dict):
            return None
        start, end = value.get("start"), value.get("end")
        if type(start) is not int or not (end is None or type(end) is int) or start < 1:
            return None
        if end is not None and end < start:
            return None
        months.append((start, end))
    return months


def _items(entries: list[Entry[T]]) -> tuple[T, ...]:
    return tuple(entry.item for entry in entries)


class _Missing:
    """A file that could not be read at all (its problem is already recorded)."""


_MISSING = _Missing()


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self._nodes: dict[str, yaml.Node] = {}
        self._raws: dict[str, list[object]] = {}
        self._order: list[str] = []

    def read(self) -> Collected:
        data = Collected()
        data.info = self._mapping("pack.yaml", PackInfo)
        data.topics = self._entries("topics.yaml", Topic, data)
        data.phases = self._entries("phases.yaml", Phase, data)
        data.months = _months(self._raws.get("phases.yaml", []))
        data.steps = self._entries("steps.yaml", Step, data)
        data.challenges = self._challenges(data)
        data.readings = self._entries("readings.yaml", Reading, data)
        data.certifications = self._entries("certifications.yaml", Certification, data)
        data.projects = self._entries("projects.yaml", Project, data)
        data.specializations = self._entries("specializations.yaml", Specialization, data)
        data.icebreakers = self._icebreakers(data)
        data.checkin = self._entries("checkin.yaml", CheckinQuestion, data)
        data.feeds = self._entries("feeds.yaml", Feed, data)
        self._strays()
        return data

    def report(self, problems: list[Problem]) -> list[str]:
        """Problems as lines, in file order, each with its line number where known."""
        order = {file: position for position, file in enumerate(self._order)}
        located = [
            p.with_line(self._line(p.file, p.path)) if p.path and not p.line else p
            for p in problems
        ]
        located.sort(key=lambda p: (order.get(p.file, len(order)), p.line or 0))
        return [str(p) for p in located]

    # -- files --------------------------------------------------------------------------

    def _document(self, file: str) -> object:
        self._order.append(file)
        path = self.root / file
        if not path.is_file():
            self.problems.append(Problem(file, (), "missing: every pack has this file"))
            return _MISSING
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problems.append(Problem(file, (), "is not UTF-8 text"))
            return _MISSING
        except OSError as error:
            self.problems.append(Problem(file, (), f"cannot be read: {error.strerror}"))
            return _MISSING
        loader = _SafeLoader(text)
        try:
            node = loader.get_single_node()
            value = None if node is None else loader.construct_document(node)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f" at column {mark.column + 1}" if mark else ""
            line = mark.line + 1 if mark else None
            message = f"is not valid YAML{where}: {error.problem or error.context}"
            self.problems.append(Problem(file, (), message, line))
            return _MISSING
        except yaml.YAMLError as error:  # a character YAML does not allow, for one
            position = getattr(error, "position", None)
            line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
            message = f"is not valid YAML: {str(error).splitlines()[0]}"
            self.problems.append(Problem(file, (), message, line))
            return _MISSING
        finally:
            loader.dispose()
        if node is not None:
            self._nodes[file] = node
            self._duplicate_keys(file, node, (), set())
        return value

    def _duplicate_keys(self, file: str, node: yaml.Node, path: Location, seen: set[int]) -> None:
        """Report keys given twice in one mapping; aliased nodes are visited once."""
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                self._duplicate_keys(file, child, (*path, index), seen)
        elif isinstance(node, yaml.MappingNode):
            names: set[str] = set()
            for key, child in node.value:
                name = str(key.value)
                if name in names:
                    message = "is given twice in the same entry; YAML keeps only the last"
                    self.problems.append(
                        Problem(file, (*path, name), message, key.start_mark.line + 1)
                    )
                names.add(name)
                self._duplicate_keys(file, child, (*path, name), seen)

    def _list(self, file: str, data: Collected) -> list[object] | None:
        document = self._document(file)
        if isinstance(document, _Missing):
            return None
        if not isinstance(document, list):
            found = describe(document)
            self.problems.append(Problem(file, (), f"must be a list of entries, not {found}"))
            return None
        self._raws[file] = document
        data.counts[file] = len(document)
        ids = data.raw_ids.setdefault(file, set())
        for raw in document:
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                ids.add(raw["id"])
        return document

    def _mapping(self, file: str, model: type[M]) -> M | None:
        document = self._document(file)
        if isinstance(document, _Missing):
            return None
        try:
            return model.model_validate(document)
        except ValidationError as error:
            self.problems += problems_of(file, (), model, error)
            return None

    def _entries(self, file: str, model: type[M], data: Collected) -> list[Entry[M]]:
        raws = self._list(file, data)
        if raws is None:
            return []
        entries: list[Entry[M]] = []
        for index, raw in enumerate(raws):
            try:
                entries.append(Entry(file, index, model.model_validate(raw)))
            except ValidationError as error:
                self.problems += problems_of(file, (index,), model, error)
        return entries

    def _challenges(self, data: Collected) -> list[Entry[Challenge]]:
        directory = self.root / CHALLENGES_DIR
        self._order.append(CHALLENGES_DIR)
        if not directory.is_dir():
            message = "missing: every pack has a challenges directory with phase-N.yaml files"
            self.problems.append(Problem(CHALLENGES_DIR, (), message))
            return []
        files: list[tuple[int, str]] = []
        for path in sorted(directory.iterdir()):
            file = f"{CHALLENGES_DIR}{path.name}"
            match = CHALLENGE_FILE.fullmatch(file)
            if match:
                files.append((int(match.group(1)), file))
            elif path.suffix in (".yaml", ".yml") or path.is_dir():
                message = "is not a challenges file: name them phase-1.yaml, phase-2.yaml..."
                self.problems.append(Problem(file, (), message))
        data.counts[CHALLENGES_DIR] = 0
        entries: list[Entry[Challenge]] = []
        for _, file in sorted(files):
            entries += self._entries(file, Challenge, data)
            data.counts[CHALLENGES_DIR] += data.counts.get(file, 0)
            data.raw_ids.setdefault(CHALLENGES_DIR, set()).update(data.raw_ids.get(file, set()))
        return entries

    def _icebreakers(self, data: Collected) -> list[Entry[str]]:
        file = "icebreakers.yaml"
        raws = self._list(file, data)
        if raws is None:
            return []
        entries: list[Entry[str]] = []
        for index, raw in enumerate(raws):
            try:
                entries.append(Entry(file, index, _SENTENCE.validate_python(raw)))
            except ValidationError as error:
                self.problems += problems_of(file, (index,), None, error)
        return entries

    def _strays(self) -> None:
        known = set(FILES)
        for path in sorted(self.root.iterdir()):
            if path.is_file() and path.suffix in (".yaml", ".yml") and path.name not in known:
                close = difflib.get_close_matches(path.name, FILES, n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                message = f"is not a pack file (a pack has {', '.join(FILES)}){hint}"
                self.problems.append(Problem(path.name, (), message))

    def _line(self, file: str, path: Location) -> int | None:
        node = self._nodes.get(file)
        if node is None:
            return None
        line: int = node.start_mark.line + 1
        for part in path:
            child: yaml.Node | None = None
            if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                child = node.value[part] if 0 <= part < len(node.value) else None
            elif isinstance(node, yaml.MappingNode) and isinstance(part, str):
                child = next((v for k, v in node.value if k.value == part), None)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line
