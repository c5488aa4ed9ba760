"""Features add to each other's pages and answers through hook lists (a case page's sections,
the tracking page's, a complaint's JSON, the federation's handlers...)."""


def add_once(hooks: list, *functions) -> None:
    """Register functions on a hook list, once (an app factory may run many times)."""
    for function in functions:
        if function not in hooks:
            hooks.append(function)
