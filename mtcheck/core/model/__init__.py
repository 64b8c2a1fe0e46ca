"""The learned provenance model: features of the writing (typography-blind), a linear model
over them and the rules' findings, its calibration, and its explanation in editor words.

`scorer.scorer_for(options.model)` is what the pipeline uses; `model.ProvenanceModel` reads
a model file; `features.Extractor` turns a document into features (`vocabulary`: what they
are made of); `plain.PlainModel` scores a short document the same without numpy, so a run on
one story need not import it (`result`: what both return). Training lives in
`mtcheck.evaluate.train` and `.fit` (the `train` extra), never imported by `check`.
"""
