from . import controllers
from . import models
from . import wizards


def post_init_hook(env):
    """The open tickets of the desks get SLA targets, their deadline priority
    and an operator on duty, as if they had just come in."""
    env["helpdesk.ticket"]._etp_adopt_open_tickets()
