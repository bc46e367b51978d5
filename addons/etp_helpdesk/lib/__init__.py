# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure-Python helpers of the ETP helpdesk (no Odoo import).

The Odoo models call these functions; they return booleans or plain values and
raise ``ValueError`` with an English code-like message that the Odoo layer
translates for end users.
"""
