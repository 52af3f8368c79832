"""Readers of a result, one module per command, named after it: render/NAME.py's `render`
writes the text formats (CSV, JSON, Markdown) and imports neither numpy nor rich;
render/terminal/NAME.py's `draw` draws the result on a rich console. A command imports
the second only for `--format rich`, so a scripted `--format csv` run starts without rich.
"""

from __future__ import annotations

FORMATS = ("rich", "markdown", "csv", "json")
#: `table` also writes the Markdown spec form, which reads back as a spec.
TABLE_FORMATS = (*FORMATS, "spec")
#: The formats that print no variant and no paper-level claim: `make_report` need not judge
#: them, each reading being a network built and costed (GoogLeNet's: four, one AlexNet).
UNJUDGED = ("csv",)
