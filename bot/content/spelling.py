"""One spelling per pack: the British and American forms of the words a roadmap uses.

A pack says which it keeps to (`spelling: us` or `uk` in pack.yaml) and `content check` lists
every word written the other way. The list is of whole words, not patterns, so that words
such as *promise*, *exercise* or *analyses* (a plural noun in both) are never flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.content.model import Spelling

_IZE_STEMS = (
    "anonym",
    "categor",
    "container",
    "custom",
    "emphas",
    "general",
    "initial",
    "maxim",
    "memor",
    "minim",
    "normal",
    "optim",
    "organ",
    "parallel",
    "penal",
    "priorit",
    "quant",
    "random",
    "real",
    "recogn",
    "special",
    "regular",
    "serial",
    "standard",
    "summar",
    "synthes",
    "token",
    "util",
    "vector",
    "visual",
)
_IZE_ENDINGS = (
    ("ise", "ize"),
    ("ises", "izes"),
    ("ised", "ized"),
    ("ising", "izing"),
    ("isation", "ization"),
    ("isations", "izations"),
    ("iser", "izer"),
    ("isers", "izers"),
)

UK_TO_US = {  # the British form of each word, and the American one
    "analyse": "analyze",
    "analysed": "analyzed",
    "analysing": "analyzing",
    "artefact": "artifact",
    "artefacts": "artifacts",
    "behaviour": "behavior",
    "behaviours": "behaviors",
    "cancelled": "canceled",
    "catalogue": "catalog",
    "catalogues": "catalogs",
    "centre": "center",
    "centres": "centers",
    "colour": "color",
    "colours": "colors",
    "defence": "defense",
    "enrol": "enroll",
    "enrolment": "enrollment",
    "focussed": "focused",
    "favour": "favor",
    "favourite": "favorite",
    "grey": "gray",
    "honour": "honor",
    "labelled": "labeled",
    "labelling": "labeling",
    "labour": "labor",
    "learnt": "learned",
    "licence": "license",
    "licences": "licenses",
    "maths": "math",
    "modelled": "modeled",
    "modelling": "modeling",
    "neighbour": "neighbor",
    "neighbours": "neighbors",
    "practise": "practice",
    "practised": "practiced",
    "programme": "program",
    "programmes": "programs",
    "travelled": "traveled",
    "whilst": "while",
}
UK_TO_US |= {f"{stem}{uk}": f"{stem}{us}" for stem in _IZE_STEMS for uk, us in _IZE_ENDINGS}

_OTHER: dict[Spelling, dict[str, str]] = {
    "us": UK_TO_US,
    "uk": {us: uk for uk, us in UK_TO_US.items()},
}
"""For each spelling, the words of the other one and how this one writes them."""

_WORD = re.compile(r"[A-Za-z]+")


def other_spellings(text: str, spelling: Spelling) -> Iterator[tuple[str, str]]:
    """Each word of `text` written in the other spelling, with how `spelling` writes it."""
    words = _OTHER[spelling]
    for match in _WORD.finditer(text):
        found = match.group()
        wanted = words.get(found.lower())
        if wanted is not None:
            yield found, wanted
