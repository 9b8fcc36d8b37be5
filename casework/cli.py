"""Command-line tools: flask --app casework <command>."""

import click

from casework.auth.models import Role
from casework.extensions import db


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--also-supervisor", is_flag=True, help="An admin with clinical access.")
@click.password_option(help="Asked for when not given.")
def create_user(email, name, role, also_supervisor, password):
    """Create an account."""
    from casework.auth import service
    from casework.auth.passwords import MIN_LENGTH

    if len(password) < MIN_LENGTH:
        raise click.UsageError(f"The password needs at least {MIN_LENGTH} characters.")
    try:
        user = service.create_user(
            email=email, name=name, role=role, password=password, also_supervisor=also_supervisor
        )
    except service.EmailTaken as exc:
        raise click.UsageError(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}.")


@click.command("seed-demo")
@click.option("--password", required=True, help="The password of every demo account.")
@click.option(
    "--cases",
    "bulk",
    type=click.IntRange(min=0),
    default=0,
    help="Add a practice's history of this many synthetic cases, for benchmarks.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has accounts.")
def seed_demo(password, bulk, if_empty):
    """Fill the database with a fictional practice."""
    import time

    from casework import demo
    from casework.education import library

    if if_empty and demo.has_accounts():
        click.echo("The database already has accounts; leaving it as it is.")
        return
    created = demo.seed_practice(password)
    library.sync()  # newer shipped modules, when the practice was already there
    made = None
    if bulk:
        started = time.perf_counter()
        made = demo.bulk_cases(bulk)
        took = time.perf_counter() - started
    db.session.commit()
    click.echo(f"Demo practice: {created} cases." if created else "Demo practice already present.")
    if made:
        click.echo(
            f"Added {made['cases']} synthetic cases ({made['closed']} closed) "
            f"for {made['interventionists']} synthetic interventionists in {took:.1f} s."
        )


@click.group("library")
def library_group():
    """The shipped education modules."""


@library_group.command("sync")
def library_sync():
    """Load new shipped modules and newer versions of them, by slug and version."""
    from casework.education import library

    counts = library.sync()
    db.session.commit()
    click.echo("Library: {created} new, {updated} updated, {unchanged} unchanged.".format(**counts))


@click.command("demo-code")
def demo_code():
    """The code the demo staff's authenticator app shows now (demo accounts only)."""
    from casework.demo.sign_in import DEMO_TOTP_SECRET, current_code

    code, seconds = current_code()
    click.echo(f"{code}")
    click.echo(
        f"(for {seconds} more second{'' if seconds == 1 else 's'}; "
        f"the demo staff's authenticator secret is {DEMO_TOTP_SECRET})",
        err=True,
    )


def register(app) -> None:
    for command in (create_user, seed_demo, library_group, demo_code):
        app.cli.add_command(command)
