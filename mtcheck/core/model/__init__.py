"""The learned provenance model: features of the writing (typography-blind), a linear model
over them and the rules' findings, its calibration, and its explanation in editor words.

`scorer.scorer_for(options.model)` is what the pipeline uses; `model.ProvenanceModel` reads
a model file; `features.Extractor` turns a document into features. Training lives in
`mtcheck.evaluate.train` and `.fit` (the `train` extra), never imported by `check`.
"""
