"""The senders: selection by settings, and the HTTP SMS gateway against a local stub server."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from xinfang.notifications.senders import (
    HttpSmsGatewaySender,
    LoggingSender,
    OutgoingMessage,
    SendError,
    SmtpEmailSender,
    get_sender,
)

MESSAGE = OutgoingMessage(channel="sms", recipient="13812345678", text="您的信访事项已登记，查询码ABCDEFGH23。",
                          template_key="registered", params={"number": "XF2026-000001", "code": "ABCDEFGH23"})


class Stub:
    """A local HTTP server that records requests and answers with a configured status and body."""

    def __init__(self):
        self.requests = []
        self.status, self.body = 200, {"code": "0", "message_id": "m-1"}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                stub.requests.append({"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)})
                payload = json.dumps(stub.body).encode() if isinstance(stub.body, dict) else stub.body
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    server = Stub()
    yield server
    server.close()


def test_json_post_with_hmac_signature(stub):
    config = {"URL": stub.url, "FORMAT": "json", "AUTH": "hmac", "ACCESS_KEY": "key-1", "SECRET": "s3cret",
              "SIGN_NAME": "示范县信访局", "TEMPLATES": {"registered": "SMS_0001"}}
    result = HttpSmsGatewaySender(config).send(MESSAGE)
    assert result.provider_message_id == "m-1"
    request = stub.requests[0]
    body = json.loads(request["body"])
    assert body == {"phone": "13812345678", "sign_name": "示范县信访局", "template_id": "SMS_0001",
                    "template_params": {"number": "XF2026-000001", "code": "ABCDEFGH23"}, "content": MESSAGE.text}
    headers = request["headers"]
    assert headers["X-Access-Key"] == "key-1" and headers["X-Signature-Method"] == "HMAC-SHA256"
    to_sign = "\n".join(["POST", "/sms/send", headers["X-Timestamp"], headers["X-Nonce"],
                         hashlib.sha256(request["body"]).hexdigest()])
    expected = base64.b64encode(hmac.new(b"s3cret", to_sign.encode(), hashlib.sha256).digest()).decode()
    assert hmac.compare_digest(headers["X-Signature"], expected)


def test_form_post_with_key_field_and_custom_field_names(stub):
    stub.body = {"status": "OK", "sid": "abc"}
    config = {"URL": stub.url, "FORMAT": "form", "AUTH": "key", "KEY_FIELD": "apikey", "ACCESS_KEY": "k",
              "FIELDS": {"phone": "mobile", "content": "text"}, "SUCCESS_FIELD": "status", "SUCCESS_VALUES": ["OK"],
              "MESSAGE_ID_FIELD": "sid", "SEND_CONTENT": True}
    assert HttpSmsGatewaySender(config).send(MESSAGE).provider_message_id == "abc"
    form = urllib.parse.parse_qs(stub.requests[0]["body"].decode())
    assert form["mobile"] == ["13812345678"] and form["apikey"] == ["k"] and form["text"] == [MESSAGE.text]
    assert stub.requests[0]["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")


def test_api_key_header(stub):
    HttpSmsGatewaySender({"URL": stub.url, "AUTH": "key", "ACCESS_KEY": "k2", "KEY_HEADER": "Authorization"}).send(MESSAGE)
    assert stub.requests[0]["headers"]["Authorization"] == "k2"


@pytest.mark.parametrize(("status", "body", "permanent"), [
    (500, {"code": "500"}, False),
    (429, {"code": "throttled"}, False),
    (400, {"code": "bad"}, True),
    (200, {"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "号码格式错误"}, True),
    (200, {"code": "isv.BUSINESS_LIMIT_CONTROL"}, False),
    (200, b"<html>not json</html>", False),
])
def test_gateway_errors_are_classified(stub, status, body, permanent):
    stub.status, stub.body = status, body
    config = {"URL": stub.url, "PERMANENT_CODES": ["isv.MOBILE_NUMBER_ILLEGAL"]}
    with pytest.raises(SendError) as caught:
        HttpSmsGatewaySender(config).send(MESSAGE)
    assert caught.value.permanent is permanent


def test_unreachable_gateway_is_a_transient_error():
    def refuse(url, body, headers, timeout):
        raise ConnectionRefusedError("refused")

    with pytest.raises(SendError) as caught:
        HttpSmsGatewaySender({"URL": "http://127.0.0.1:9/x"}, transport=refuse).send(MESSAGE)
    assert not caught.value.permanent


def test_unconfigured_gateway_refuses():
    with pytest.raises(SendError):
        HttpSmsGatewaySender({})


def test_sender_selection_follows_settings(settings):
    settings.XINFANG_SMS_BACKEND = "logging"
    assert isinstance(get_sender("sms"), LoggingSender)
    assert isinstance(get_sender("email"), SmtpEmailSender)
    settings.XINFANG_SMS_BACKEND = "http"
    settings.XINFANG_SMS_GATEWAY = {"URL": "http://127.0.0.1:9/"}
    assert isinstance(get_sender("sms"), HttpSmsGatewaySender)
    settings.XINFANG_SMS_BACKEND = "none"
    with pytest.raises(SendError):
        get_sender("sms")


def test_logging_sender_records_the_text():
    LoggingSender.clear()
    LoggingSender().send(MESSAGE)
    assert LoggingSender.messages_to("13812345678")[0].text == MESSAGE.text


def test_logging_sender_never_logs_the_text_or_full_recipient(caplog):
    """The text may carry the 查询码 (it opens the matter on the portal): not for log files."""
    import logging

    caplog.set_level(logging.INFO, logger="xinfang.notifications")
    LoggingSender().send(MESSAGE)
    logged = caplog.text
    assert "logging sender" in logged
    assert MESSAGE.text not in logged and MESSAGE.recipient not in logged
