"""Staff sign-in and account pages (being written)."""
