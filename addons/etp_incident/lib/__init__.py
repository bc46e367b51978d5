# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure-Python helpers of ETP incidents (no Odoo import).

The Odoo models call these functions with plain values; bad input raises
``ValueError`` with an English message.
"""
