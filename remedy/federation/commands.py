"""`flask --app wsgi remedy federation-keys [--rotate]`."""

from datetime import timedelta

import click
from flask import current_app

from remedy.federation import keys


@click.command("federation-keys")
@click.option("--rotate", is_flag=True,
              help="Make a new signing key; the previous one stays valid for "
                   "FEDERATION_KEY_OVERLAP_DAYS, and the installations in the directory are told.")
def federation_keys(rotate: bool) -> None:
    """Print this installation's public key (made on first use); with --rotate, a new one."""
    if rotate:
        new, old = keys.rotate(timedelta(days=current_app.config["FEDERATION_KEY_OVERLAP_DAYS"]))
        if old is not None:
            from remedy.federation.rotation import announce

            told = announce(old, new)
            click.echo(f"key {old.key_id} stays valid until {old.valid_until:%Y-%m-%d %H:%M} UTC; "
                       f"{told} installations told")
    key = keys.current_key()
    from remedy.jobs import commit

    commit()
    click.echo(f"key id {key.key_id}")
    click.echo(key.public_key)
