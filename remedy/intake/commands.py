"""Intake's administration commands."""

import click

from remedy.intake.storage import BACKENDS, copy_files


@click.command("copy-evidence")
@click.option("--from", "source", type=click.Choice(BACKENDS), required=True)
@click.option("--to", "target", type=click.Choice(BACKENDS), required=True)
def copy_evidence(source, target):
    """Copy the evidence and respondents' documents from one storage backend to another,
    before switching EVIDENCE_STORAGE. Nothing is deleted from the source."""
    if source == target:
        raise click.UsageError("--from and --to name the same backend.")
    copied, skipped, damaged = copy_files(source, target)
    click.echo(f"{copied} files copied, {skipped} already there.")
    if damaged:
        # Put under a key that is not its content's hash: copied anyway, under its true key.
        click.echo("Content does not match the name of: " + ", ".join(damaged), err=True)
        raise SystemExit(1)
