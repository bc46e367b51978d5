from . import helpdesk_incident
from . import helpdesk_ticket
