"""Words for the codes a reorganization's preview and summary store about committees (cadres.handover rows)."""

from __future__ import annotations

from django import template

from cadres.choices import BodyKind, Post

register = template.Library()


@register.filter
def post_label(code: str) -> str:
    """The post's name in the reader's language ('secretary' -> 'Secretary'); an unknown code as stored."""
    return str(Post(code).label) if code in Post.values else code


@register.filter
def body_label(code: str) -> str:
    return str(BodyKind(code).label) if code in BodyKind.values else code
