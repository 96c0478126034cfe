"""What accounts contributes: the user's scope root for the dashboard, and grants that follow reorganizations."""

from accounts.handover import move_grants, preview_grants
from accounts.roots import scope_root
from core.registry import ReorgHandler, register_hook, register_reorg_handler

register_hook("scope_root", scope_root)
register_reorg_handler(ReorgHandler("accounts.grants", preview=preview_grants, apply=move_grants))
