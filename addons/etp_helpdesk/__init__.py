from . import models
from . import controllers
from . import wizards
from .hooks import post_init_hook

# Models whose imports belong in models/__init__.py (`from . import
# helpdesk_ticket_link_mixin`, `helpdesk_ticket_web_form`,
# `helpdesk_personal_data_export`), moved there when that file is free to
# change.
from .models import helpdesk_personal_data_export
from .models import helpdesk_ticket_link_mixin
from .models import helpdesk_ticket_web_form
