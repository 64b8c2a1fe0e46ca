"""Batch reports over whole archives: `mtcheck report`.

discover (which files) -> read (documents, or an error row each) -> engine (check,
in this process, a process pool or a Dask cluster) -> store (SQLite, resumable) ->
outputs (documents.jsonl, summary.csv, index.html and a page per document).

The entry point is `mtcheck.batch.run.run_report`; this package imports nothing itself,
so its models can be used (by `mtcheck schema`) without the engines.
"""
