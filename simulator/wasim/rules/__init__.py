"""Pure platform rules: functions of (state, request, now) that raise ``GraphError``.

No module here imports an HTTP library; each cites the section of docs/rules.md where it lives.
"""

from __future__ import annotations
