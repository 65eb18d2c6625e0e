"""Upload checks, done before anything is stored: size, count, and real type by content."""

from __future__ import annotations

import filetype
from django import forms
from django.conf import settings

from .errors import InvalidInput

# Extension -> MIME types accepted for it (the content is sniffed; the name alone proves nothing).
ALLOWED = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "gif": {"image/gif"},
    "tif": {"image/tiff"},
    "tiff": {"image/tiff"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
    "mp3": {"audio/mpeg"},
    "m4a": {"audio/mp4", "video/mp4", "audio/x-m4a"},
    "mp4": {"video/mp4"},
}


def check_upload(f, *, field: str = "attachments") -> str:
    """Validate one uploaded file; return its sniffed MIME type or raise InvalidInput."""
    name = getattr(f, "name", "") or ""
    size = getattr(f, "size", None) or 0
    limit = settings.XINFANG_UPLOAD_MAX_BYTES
    if size > limit:
        raise InvalidInput(
            f"附件“{name}”超过大小限制（{limit // (1024 * 1024)} MB）。", fields={field: f"文件过大：{name}"}
        )
    if size == 0:
        raise InvalidInput(f"附件“{name}”是空文件。", fields={field: f"空文件：{name}"})
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise InvalidInput(
            f"不允许上传此类型的文件：{name}（允许：{'、'.join(sorted(ALLOWED))}）。",
            fields={field: f"文件类型不允许：{name}"},
        )
    head = f.read(8192)
    f.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ALLOWED[ext]:
        raise InvalidInput(
            f"文件“{name}”的内容与扩展名不符，已拒绝。", fields={field: f"文件内容与类型不符：{name}"}
        )
    return mime


def check_uploads(files, *, field: str = "attachments") -> list[str]:
    files = list(files or [])
    if len(files) > settings.XINFANG_UPLOAD_MAX_FILES:
        raise InvalidInput(
            f"附件最多 {settings.XINFANG_UPLOAD_MAX_FILES} 个。", fields={field: "附件数量过多"}
        )
    return [check_upload(f, field=field) for f in files]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, checked like the registration's uploads (a form error in Chinese)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if files:
            try:
                check_uploads(files)
            except InvalidInput as exc:
                raise forms.ValidationError(exc.message) from None
        return files
