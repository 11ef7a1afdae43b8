"""The render slot of a process.

WeasyPrint lays text out with Pango, whose state the whole process shares: two layouts or PDF
writes at once, in two threads, corrupt its heap. Every WeasyPrint call in the project (the html
engine, a bundle's index, a signature's appearance, a write-off decision's page) is made holding
``WEASYPRINT``, whichever thread or door asked for it; the API's render gate and the render pool
decide who waits, this lock makes sure that no two ever run at once. It is re-entrant, so a render
that renders a part of itself keeps the slot it holds.
"""

from __future__ import annotations

import threading

WEASYPRINT = threading.RLock()
