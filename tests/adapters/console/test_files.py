"""The console's shelf for pictures and files: safe names, nothing overwritten."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from adapters.console.files import Shelf


def test_files_keep_their_name_and_never_overwrite_each_other(tmp_path: Path) -> None:
    shelf = Shelf(tmp_path / "files")
    first = shelf.keep("progress.png", b"one")
    second = shelf.keep("progress.png", b"two")
    assert (first.name, second.name) == ("progress.png", "progress-2.png")
    assert (first.read_bytes(), second.read_bytes()) == (b"one", b"two")


@given(name=st.text(max_size=40) | st.sampled_from(["../../etc/passwd", "..", "/", "a/../b"]))
def test_any_name_lands_inside_the_folder(name: str) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "files"
        path = Shelf(folder).keep(name, b"x")
        assert path.parent == folder
        assert path.read_bytes() == b"x"
