from django.utils.translation import get_language_bidi


def navigation(request):
    """Menu entries the user may use; pages a role cannot use are not offered."""
    from core.navigation import menu_for

    return {"nav_menu": menu_for(request), "text_direction": "rtl" if get_language_bidi() else "ltr"}
