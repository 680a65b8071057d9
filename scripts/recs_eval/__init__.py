"""Offline evaluation of "For you" against MovieLens-100k (see scripts/eval-recs.sh)."""
