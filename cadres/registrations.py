"""What cadres contributes to the shell: menu entries, panels on the organization and member pages, dashboard cards,
the reorganization handler (terms, bodies and posts of an organization that ends) and the member events that end a
holding (core.registry)."""

# --- services (h-cadsvc): member events end posts; reorganizations end terms; grants of posts stay with posts ---
from cadres import services as _services  # noqa: E402
from core.registry import (  # noqa: E402
    MEMBER_DIED,
    MEMBER_LEFT,
    MEMBER_MOVED,
    register_member_listener,
)

register_member_listener(MEMBER_LEFT, _services.on_member_left)
register_member_listener(MEMBER_DIED, _services.on_member_died)
register_member_listener(MEMBER_MOVED, _services.on_member_moved)

from cadres.handover import end_terms, grants_following_posts, preview_posts  # noqa: E402
from core.registry import ReorgHandler, register_hook, register_reorg_handler  # noqa: E402

register_reorg_handler(ReorgHandler("cadres.terms", preview=preview_posts, apply=end_terms))
register_hook("grants_following_posts", grants_following_posts)
