import pytest

from xinfang.notifications.senders.logging import LoggingSender


@pytest.fixture(autouse=True)
def clean_outbox():
    LoggingSender.clear()
    yield
    LoggingSender.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the after-commit hooks of the block (as a real request would)."""

    def make():
        return django_capture_on_commit_callbacks(execute=True)

    return make


class FailingSender:
    name = "failing"
    calls = 0

    def send(self, message):
        from xinfang.notifications.senders import SendError

        type(self).calls += 1
        raise SendError("网关超时")


class PermanentFailSender:
    name = "permanent"

    def send(self, message):
        from xinfang.notifications.senders import SendError

        raise SendError("号码无效", permanent=True)


class CrashingSender:
    name = "crashing"

    def send(self, message):
        raise RuntimeError("bug in sender")
