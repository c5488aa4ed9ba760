"""The public observatory: anonymised statistics of complaints about AI systems, from
rollups kept by jobs, published so that no one can be singled out."""
