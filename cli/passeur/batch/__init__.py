"""Whole folders: plan the files, run a job per file (translate or brief), resume from a manifest, report."""
