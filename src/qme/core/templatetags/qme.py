from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

register = template.Library()


@register.simple_tag
def trail_url(obj: models.Model) -> str:
    """Link to the audit trail of an object."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return reverse("audit:object", args=[content_type.pk, str(obj.pk)])


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    querystring = context.get("querystring", "")
    return f"?{querystring + '&' if querystring else ''}page={number}"
