"""A password change revokes every API token of the user (sessions are already invalidated by
Django's session auth hash)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import ApiToken
from .services import revoke_all


@receiver(post_save, sender=get_user_model(), dispatch_uid="tokens-revoke-on-password-change")
def revoke_on_password_change(sender, instance, created, **kwargs):
    # AbstractBaseUser.set_password keeps the raw password in ``_password`` until save() is done:
    # the one documented moment when Django itself runs password_changed().
    if not created and getattr(instance, "_password", None) is not None:
        revoke_all(instance, reason=ApiToken.Reason.PASSWORD)
