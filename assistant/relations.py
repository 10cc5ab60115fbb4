"""How indexed documents relate: a translation and its original; an earlier and a later version of one law.

Both are read from the per-chunk fields the lexical index keeps (catalogue.FIELDS), once per index. A translation
names its original in its sidecar (``translation_of``); a newer version names the one it replaces
(``supersedes``), or simply carries the same title with a later date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class Version:
    doc_id: str
    date: str
    """YYYY-MM-DD, or '' when undated."""


@dataclass
class Relations:
    originals: dict[str, str] = field(default_factory=dict)
    """Translation doc id -> the doc id of its original."""
    translations: dict[str, list[str]] = field(default_factory=dict)
    """Original doc id -> its translations' doc ids."""
    superseded_by: dict[str, Version] = field(default_factory=dict)
    """Doc id of an earlier version -> the newest version of the same law."""
    supersedes: dict[str, Version] = field(default_factory=dict)
    """Doc id of the newest version -> the latest version it replaces."""
    dates: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, fields: dict[str, np.ndarray]) -> Relations:
        relations = cls()
        if "doc_id" not in fields or not len(fields["doc_id"]):
            return relations
        docs: dict[str, tuple[str, str, str, str]] = {}
        names = ("doc_id", "title", "date_num", "translation_of", "supersedes", "type", "lang")
        columns = [fields[name].tolist() for name in names]
        for doc_id, title, date_num, original, replaced, kind, lang in zip(*columns, strict=True):
            # Only regulations of one title and language are versions of each other: two notices may share a title.
            same_law = f"{lang}\0{title}" if kind == "regulation" else f"\0{doc_id}"
            docs.setdefault(str(doc_id), (same_law, _date(int(date_num)), str(original), str(replaced)))
        relations.dates = {doc: date for doc, (_, date, _, _) in docs.items()}
        for doc, (_, _, original, _) in docs.items():
            if original and original in docs:
                relations.originals[doc] = original
                relations.translations.setdefault(original, []).append(doc)
        # Versions of one law: linked by `supersedes`, or regulations with the same title and language; the newest
        # (by date) is in force.
        group = {doc: doc for doc in docs}

        def root(doc: str) -> str:
            while group[doc] != doc:
                doc = group[doc]
            return doc

        first_of_law: dict[str, str] = {}
        for doc, (same_law, _, _, replaced) in docs.items():
            group[root(doc)] = root(first_of_law.setdefault(same_law, doc))
            if replaced in docs:
                group[root(replaced)] = root(doc)
        members: dict[str, list[str]] = {}
        for doc in docs:
            members.setdefault(root(doc), []).append(doc)
        for versions in members.values():
            if len(versions) < 2:
                continue
            ordered = sorted(versions, key=lambda d: (relations.dates[d], d))
            newest = ordered[-1]
            for older in ordered[:-1]:
                relations.superseded_by[older] = Version(newest, relations.dates[newest])
            relations.supersedes[newest] = Version(ordered[-2], relations.dates[ordered[-2]])
        return relations

    def counterpart_of(self, doc_id: str) -> str:
        """The other-language text of a document: a translation's original, or an original's first translation."""
        if doc_id in self.originals:
            return self.originals[doc_id]
        return self.translations.get(doc_id, [""])[0]

    def asks_for_older(self, question: str, doc_id: str) -> bool:
        """Does the question ask for this earlier version ("in the 2016 version", "2016年版")? It names the year of
        this version and not the year of the newest one."""
        newest = self.superseded_by.get(doc_id)
        if newest is None:
            return False
        years = set(_YEAR.findall(question))
        return self.dates.get(doc_id, "")[:4] in years and newest.date[:4] not in years


def _date(number: int) -> str:
    text = str(number)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}" if number > 0 and len(text) == 8 else ""
