"""An HTTP SMS-gateway adapter shaped like the common Chinese SMS platforms.

One POST per message to a configurable URL, JSON or form-encoded, carrying the phone number, the
registered signature (签名), the provider's template id (模板ID) and the template parameters,
plus the full text for platforms that take free text. Authentication is either an API key (in a
header or a body field) or an HMAC-SHA256 request signature:

    string_to_sign = METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n hex(sha256(body))
    X-Signature    = base64(hmac_sha256(SECRET, string_to_sign))

sent with ``X-Access-Key``, ``X-Timestamp``, ``X-Nonce`` and ``X-Signature-Method: HMAC-SHA256``.
Field names, the success field and values and the message-id field are configurable, so one
adapter fits most platforms (or a small signing proxy in front of a provider with its own scheme).
The transport is injectable (tests use a local stub server; no outside network).

Settings (``XINFANG_SMS_GATEWAY``, a dict; see docs/notifications.md): URL, FORMAT (json|form),
AUTH (key|hmac), ACCESS_KEY, SECRET, KEY_HEADER, KEY_FIELD, SIGN_NAME, TEMPLATES, FIELDS,
SUCCESS_FIELD, SUCCESS_VALUES, PERMANENT_CODES, MESSAGE_ID_FIELD, TIMEOUT.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from django.conf import settings

from .base import OutgoingMessage, Sender, SendError, SendResult

Transport = Callable[[str, bytes, dict, float], tuple[int, bytes]]

DEFAULT_FIELDS = {
    "phone": "phone",
    "sign_name": "sign_name",
    "template_id": "template_id",
    "params": "template_params",
    "content": "content",
}


def urllib_transport(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read() or b""


def sign_request(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    string_to_sign = "\n".join([method, path, timestamp, nonce, hashlib.sha256(body).hexdigest()])
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class HttpSmsGatewaySender(Sender):
    name = "http"

    def __init__(self, config: dict | None = None, transport: Transport | None = None):
        self.config = dict(config if config is not None else getattr(settings, "XINFANG_SMS_GATEWAY", {}) or {})
        self.transport = transport or urllib_transport
        if not self.config.get("URL"):
            raise SendError("短信网关未配置（XINFANG_SMS_GATEWAY['URL']）。")

    def build_payload(self, message: OutgoingMessage) -> dict:
        cfg, fields = self.config, {**DEFAULT_FIELDS, **(self.config.get("FIELDS") or {})}
        payload: dict = {fields["phone"]: message.recipient}
        if cfg.get("SIGN_NAME"):
            payload[fields["sign_name"]] = cfg["SIGN_NAME"]
        template_id = (cfg.get("TEMPLATES") or {}).get(message.template_key)
        if template_id:
            payload[fields["template_id"]] = template_id
            payload[fields["params"]] = {k: str(v) for k, v in message.params.items()}
        if not template_id or cfg.get("SEND_CONTENT", True):
            payload[fields["content"]] = message.text
        if cfg.get("AUTH", "key") == "key" and cfg.get("KEY_FIELD"):
            payload[cfg["KEY_FIELD"]] = cfg.get("ACCESS_KEY", "")
        return payload

    def encode(self, payload: dict) -> tuple[bytes, str]:
        if self.config.get("FORMAT", "json") == "form":
            flat = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in payload.items()}
            return urllib.parse.urlencode(flat).encode(), "application/x-www-form-urlencoded; charset=utf-8"
        return json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8"

    def headers(self, body: bytes, content_type: str) -> dict:
        cfg = self.config
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        auth = cfg.get("AUTH", "key")
        if auth == "hmac":
            timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
            path = urllib.parse.urlsplit(cfg["URL"]).path or "/"
            headers.update({
                "X-Access-Key": cfg.get("ACCESS_KEY", ""),
                "X-Timestamp": timestamp,
                "X-Nonce": nonce,
                "X-Signature-Method": "HMAC-SHA256",
                "X-Signature": sign_request(cfg.get("SECRET", ""), "POST", path, timestamp, nonce, body),
            })
        elif auth == "key" and not cfg.get("KEY_FIELD"):
            headers[cfg.get("KEY_HEADER", "X-Api-Key")] = cfg.get("ACCESS_KEY", "")
        return headers

    def send(self, message: OutgoingMessage) -> SendResult:
        payload = self.build_payload(message)
        body, content_type = self.encode(payload)
        try:
            status, raw = self.transport(self.config["URL"], body, self.headers(body, content_type),
                                         float(self.config.get("TIMEOUT", 5)))
        except (OSError, TimeoutError) as exc:
            raise SendError(f"短信网关连接失败：{exc}") from exc
        if status >= 500 or status in (408, 429):
            raise SendError(f"短信网关暂时不可用（HTTP {status}）。")
        if status >= 400:
            raise SendError(f"短信网关拒绝请求（HTTP {status}）：{raw[:200].decode(errors='replace')}", permanent=True)
        try:
            data = json.loads(raw.decode() or "{}")
        except ValueError as exc:
            raise SendError("短信网关返回的内容不是 JSON。") from exc
        if not isinstance(data, dict):
            raise SendError("短信网关返回的内容格式错误。")
        success_field = self.config.get("SUCCESS_FIELD", "code")
        success_values = {str(v) for v in self.config.get("SUCCESS_VALUES", ["0", "OK"])}
        code = str(data.get(success_field, ""))
        if code not in success_values:
            text = data.get("message") or data.get("Message") or data.get("msg") or ""
            permanent = code in {str(c) for c in self.config.get("PERMANENT_CODES", [])}
            raise SendError(f"短信网关返回错误 {code}：{text}"[:300], permanent=permanent)
        message_id = data.get(self.config.get("MESSAGE_ID_FIELD", "message_id"), "")
        return SendResult(provider_message_id=str(message_id or ""))
