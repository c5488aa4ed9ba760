"""`flask --app wsgi remedy ...`: the command group every feature adds its commands to."""

from flask.cli import AppGroup, with_appcontext

from remedy.accounts.commands import create_org, create_token_command, create_user_command
from remedy.collective.commands import aggregate_command
from remedy.core.commands import audit_verify
from remedy.demo import seed_demo
from remedy.federation.commands import federation_keys
from remedy.intake.commands import copy_evidence
from remedy.jobs.schedule import scheduler_command, worker_command
from remedy.observatory.commands import fetch_command, rollups_command
from remedy.referrals.commands import directory_export, directory_import

remedy_cli = AppGroup("remedy", help="Remedy's administration commands.")
for command in (create_org, create_user_command, create_token_command, seed_demo, worker_command,
                scheduler_command, audit_verify, aggregate_command, federation_keys,
                directory_import, directory_export, rollups_command, fetch_command,
                copy_evidence):
    command.callback = with_appcontext(command.callback)
    remedy_cli.add_command(command)
