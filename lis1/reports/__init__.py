"""Round status reports: queries (plain rows) -> build (pure report object) -> render (formats).

`queries` is the only module that reads the database; `build` turns its rows into a `Report`
without Django, so every number can be tested without a database; `render` writes the
formats (HTML, PDF, XLSX, CSV, JSON), each returning `(filename, content_type, bytes)`.
"""
