"""A served HTML page as the markdown the parser reads: headings, tables, code blocks, text.

A page fetched from a live site is HTML, not the saved markdown or text; this keeps what the
parser needs (headings as ``#`` lines, tables as ``| a | b |`` rows, ``<pre>`` as fenced code)
and drops scripts, styles and navigation markup.
"""

from __future__ import annotations

from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "svg", "head", "nav"}
_BLOCKS = {"p", "div", "section", "article", "li", "ul", "ol", "br", "dl", "dt", "dd", "header", "footer", "main"}


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.heading = 0
        self.pre = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.rows: list[list[str]] = []

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.append("#" * self.heading + " " + text if self.heading else text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self.heading = int(tag[1])
        elif tag == "pre":
            self._flush()
            self.pre += 1
            self.lines.append("```")
        elif tag == "table":
            self._flush()
            self.rows = []
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in _BLOCKS and self.cell is None and not self.pre:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self.heading = 0
        elif tag == "pre":
            self.lines += "".join(self.current).strip("\n").split("\n")
            self.current = []
            self.lines.append("```")
            self.pre = max(0, self.pre - 1)
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()).replace("|", "\\|"))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "table":
            for number, row in enumerate(self.rows):
                self.lines.append("| " + " | ".join(row) + " |")
                if number == 0:
                    self.lines.append("|" + "---|" * len(row))
            self.rows = []
        elif tag in _BLOCKS and self.cell is None and not self.pre:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.current.append(data)


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def html_to_markdown(html: str) -> str:
    converter = _Converter()
    converter.feed(html)
    converter.close()
    converter._flush()
    return "\n".join(converter.lines) + "\n"
