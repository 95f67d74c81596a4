import sys

from .base import PhoneGateway


class ConsoleGateway(PhoneGateway):
    """Write messages to standard output, like Django's console email backend."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send_text(self, *, to, message):
        self.stream.write(f"[text to {to}] {message}\n")

    def place_call(self, *, to, message):
        self.stream.write(f"[voice call to {to}] {message}\n")
