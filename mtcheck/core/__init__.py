"""The core: what mtcheck knows about a text, independent of files, settings and output.

segment (paragraphs and sentences, offsets kept) -> rules (findings) -> scores (fluency,
MT likelihood) -> provenance (language, agency, dateline, source language). `analysis`
runs them on one text. Nothing here reads config, files or command lines.
"""
