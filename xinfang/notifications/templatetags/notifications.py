"""``{% matter_notifications matter %}``: the delivery-status panel for a staff matter page."""

from django import template

from ..selectors import notification_rows

register = template.Library()


@register.inclusion_tag("notifications/_matter_notifications_panel.html")
def matter_notifications(matter):
    return {"matter": matter, "notification_rows": notification_rows(matter)}
