from accounts.gateways.base import PhoneGateway


class DroppingGateway(PhoneGateway):
    """Accepts every text and call and sends nothing (benchmarks only)."""

    def send_text(self, *, to, message):
        pass

    def place_call(self, *, to, message):
        pass
