"""Remedy: people harmed by AI systems file complaints; organisations handle them."""
