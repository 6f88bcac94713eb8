"""Where the console keeps the pictures and files it answers with, so none is lost."""

from __future__ import annotations

import re
from pathlib import Path

FOLDER = Path("cohort-files")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Shelf:
    """Writes each file into one folder under a safe, new name and says where it went."""

    def __init__(self, folder: Path = FOLDER) -> None:
        self._folder = folder

    def keep(self, filename: str, data: bytes) -> Path:
        """Write `data` as `filename` (made safe; `-2`, `-3`... when taken) and return the path."""
        name = _UNSAFE.sub("-", Path(filename).name).strip(".-") or "file"
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        self._folder.mkdir(parents=True, exist_ok=True)
        path, number = self._folder / name, 1
        while True:
            try:
                with path.open("xb") as file:  # never overwrites an earlier file
                    file.write(data)
                return path
            except FileExistsError:
                number += 1
                path = self._folder / f"{stem}-{number}{dot}{suffix}"
