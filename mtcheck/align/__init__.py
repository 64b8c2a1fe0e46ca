"""Align versions of a story and compare them with reference phrasing.

    >>> from mtcheck.align import Aligner
    >>> report = Aligner().align_texts(draft_text, published_text)
    >>> report.sentences.edited_share, report.scores.bleu, report.editing.fixed
"""

from mtcheck.align.compare import Aligner, AlignInputError
from mtcheck.align.dp import AlignSettings, Link, align_sentences
from mtcheck.models.align import AlignReport

__all__ = ["AlignInputError", "AlignReport", "AlignSettings", "Aligner", "Link", "align_sentences"]
