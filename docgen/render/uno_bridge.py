"""Converts documents through a running soffice, one JSON request per line on stdin.

This file runs under the system Python that carries LibreOffice's UNO bridge (Debian's python3-uno
for /usr/bin/python3), not under docgen's virtualenv, so it imports nothing but the standard library
and ``uno``. docgen.render.libreoffice starts soffice and this bridge and talks to it; the bridge
never starts or stops soffice itself, so a hang is always ended by the side that holds the pids.

Protocol: after connecting it writes ``{"ready": true, "version": "7.4.7.2"}``; then for each
request ``{"src": "/abs/in.docx", "dst": "/abs/out.pdf"}`` it writes ``{"ok": true}`` or
``{"ok": false, "error": "..."}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import uno
from com.sun.star.beans import PropertyValue

# Tagged PDF keeps headings and tables readable by screen readers; bookmarks come from Word
# headings so a long report opens with an outline.
PDF_FILTER_DATA = {"UseTaggedPDF": True, "ExportBookmarks": True, "ExportNotes": False}


def _props(**values: Any) -> tuple[Any, ...]:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name = name
        prop.Value = value
        out.append(prop)
    return tuple(out)


def _connect(pipe: str, deadline: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    while True:
        try:
            return resolver.resolve(url)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _product_version(ctx: Any) -> str:
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx
    )
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationAccess", _props(nodepath="/org.openoffice.Setup/Product")
    )
    return str(access.getByName("ooSetupVersionAboutBox"))


def _convert(desktop: Any, src: str, dst: str) -> None:
    # UpdateDocMode 0 (NO_UPDATE): never refresh links or fields from outside the file.
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(src), "_blank", 0, _props(Hidden=True, ReadOnly=True, UpdateDocMode=0)
    )
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {src}")
    try:
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", _props(**PDF_FILTER_DATA))
        uno.invoke(
            doc,
            "storeToURL",
            (uno.systemPathToFileUrl(dst), _props(FilterName="writer_pdf_Export", FilterData=filter_data)),
        )
    finally:
        doc.close(True)


def _reply(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pipe", required=True)
    parser.add_argument("--connect-timeout", type=float, default=30.0)
    args = parser.parse_args()
    ctx = _connect(args.pipe, time.monotonic() + args.connect_timeout)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    _reply({"ready": True, "version": _product_version(ctx)})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            _convert(desktop, request["src"], request["dst"])
        except Exception as exc:  # reported to the parent, which decides whether to restart
            _reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        else:
            _reply({"ok": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
