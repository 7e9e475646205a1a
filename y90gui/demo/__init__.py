"""Synthetic data: the 44-patient demo cohort (`cohort.build_demo`) and cohorts of any size
(`synthetic.build_cohort`). Every patient here is fictional and labelled so."""
