"""Reading inputs: bytes from files or stdin to decoded text.

Readers return `Source` objects; a problem with one input is an `InputProblem`
naming that input, never an exception that stops the others.
"""

from mtcheck.read.offsets import LineIndex, OffsetMap, RecordPosition, TextMap
from mtcheck.read.text import (
    DEFAULT_MAX_BYTES,
    STDIN_NAME,
    Extraction,
    InputProblem,
    Source,
    decode,
    read_path,
    read_stdin,
    with_lf_line_ends,
)

__all__ = ["DEFAULT_MAX_BYTES", "STDIN_NAME", "Extraction", "InputProblem", "LineIndex", "OffsetMap", "RecordPosition",
           "Source", "TextMap", "decode", "read_path", "read_stdin", "with_lf_line_ends"]
