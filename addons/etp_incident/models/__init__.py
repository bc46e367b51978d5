from . import helpdesk_incident, helpdesk_ticket
