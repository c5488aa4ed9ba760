"""Commands of the shared core."""

import click

from remedy.core.audit import verify_chain


@click.command("audit-verify")
def audit_verify():
    """Check the audit log's hash chain from the first entry to the last."""
    checked, broken = verify_chain()
    if broken is not None:
        click.echo(f"broken at entry {broken.seq} ({broken.action}, {broken.at}): "
                   f"{checked} entries before it are intact")
        raise SystemExit(1)
    click.echo(f"ok {checked} entries")
