"""The layer-table reader: spec text -> `Spec`, a typed row per table row.

The reading runs in stages, each a function that gives its value and its errors
(`read._read` runs them in order and reports every error of a spec in one run):

- read.py      files and bundled models: `load`, `load_model`, `parse_markdown`, ...
- header.py    the header: each header cell as the column field it fills
- layout.py    the table's lines as the rows to read: cell counts, spans, repeats
               unrolled (`5× conv`, `N× [` ... `]`), a type cell of several layers,
               a blank type continuing the module above
- claims.py    claim rows: a row whose cells are claims (ShuffleNet V2's FLOPs row)
- types.py     type cells: a layer's or a module kind's spelling, tokens, phrases
- readers.py   cells by column, then the row typed and held to what its type reads
- rows.py      each line as a named Row; an `input image` first row
- variants.py  `[rows.NAME]`, each variant's rows typed, `with_overrides`
- records.py   `Spec`, `Row` and the cells of a layer row and of a module row
"""
