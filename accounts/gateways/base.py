class PhoneGateway:
    """Deliver text messages and voice calls.

    Contract: subclasses implement ``send_text`` and ``place_call``; each sends one
    message to an E.164 number, raises ``GatewayError`` when the carrier refuses it,
    and never logs the message body (it holds security codes). The portal names the
    gateway by dotted path in ``settings.PHONE_GATEWAY``.
    """

    def send_text(self, *, to, message):
        raise NotImplementedError("PhoneGateway subclasses must implement send_text()")

    def place_call(self, *, to, message):
        raise NotImplementedError("PhoneGateway subclasses must implement place_call()")


class GatewayError(Exception):
    """The message could not be delivered."""
