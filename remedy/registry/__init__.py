"""The registry of respondents (deployers, providers) and AI systems, with aliases."""
