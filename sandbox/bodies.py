"""Reading request bodies the way Discord accepts them: JSON, or multipart with payload_json and files[n]."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import ApiError


@dataclass
class UploadedFile:
    """One ``files[n]`` part of a multipart request."""

    index: int
    filename: str
    data: bytes
    content_type: str | None


async def read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """Return (decoded JSON payload, uploaded files); an empty body reads as ``{}``."""
    if request.content_type.startswith("multipart/"):
        payload: dict[str, Any] = {}
        files: list[UploadedFile] = []
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            name = part.name or ""  # type: ignore[union-attr]
            data = await part.read()  # type: ignore[union-attr]
            if name == "payload_json":
                payload = json.loads(data.decode())
            elif name.startswith("files[") and name.endswith("]"):
                ctype = part.headers.get("Content-Type")  # type: ignore[union-attr]
                filename = part.filename or f"file{len(files)}"  # type: ignore[union-attr]
                files.append(UploadedFile(int(name[6:-1]), filename, bytes(data), ctype))
            elif name.startswith("file"):
                filename = part.filename or name  # type: ignore[union-attr]
                files.append(UploadedFile(len(files), filename, bytes(data), None))
        return payload, files
    raw = await request.read()
    if not raw:
        return {}, []
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from exc
    return data, []
