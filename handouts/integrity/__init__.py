"""Checks that keep printed text honest to the corpus."""
