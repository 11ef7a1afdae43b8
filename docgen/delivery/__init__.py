"""Delivery of finished documents beyond download: e-mail."""

from docgen.delivery.mail import Attachment, DeliveryFailed, send_mail

__all__ = ["Attachment", "DeliveryFailed", "send_mail"]
