"""Files to documents: finding them, reading each format, the shared clean-up, sidecars, and the loader.

``files`` finds files under the paths given; ``readers`` turns each format into text; ``sanitise`` is the clean-up
every format shares; ``sidecars`` reads the facts given beside a file; ``loading`` makes one ``Document``.
"""

from .errors import SUPPORTED_SUFFIXES, DocumentError
from .files import discover, file_hash
from .loading import load_document
from .readers import READERS, decode
from .sanitise import detect_language, normalise, strip_furniture, strip_instructions
from .sidecars import RELATION_KEYS, SIDECAR_KEYS, SIDECAR_SUFFIX, read_sidecar, related_id

__all__ = [
    "READERS",
    "RELATION_KEYS",
    "SIDECAR_KEYS",
    "SIDECAR_SUFFIX",
    "SUPPORTED_SUFFIXES",
    "DocumentError",
    "decode",
    "detect_language",
    "discover",
    "file_hash",
    "load_document",
    "normalise",
    "read_sidecar",
    "related_id",
    "strip_furniture",
    "strip_instructions",
]
