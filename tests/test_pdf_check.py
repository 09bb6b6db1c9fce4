"""The check that a printed PDF keeps every table whole (herd.book.pdf.cut_tables, run by every build of an
edition's PDF), on a small made-up PDF written with PDFium and the tables its made-up page would print: a header or
a value of the last column that the PDF does not hold is named with its page and table, a word broken over lines
with a hyphen still counts as printed, and text past the right margin is named with its page. Fast: no browser."""

import ctypes

import pytest

from herd.book import editions, pdf


def _pdf(path, pages):
    """A PDF of A4 pages, each a list of (x, y, text) in points from the bottom left, set in Helvetica 10 pt."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument.new()
    font = raw.FPDFText_LoadStandardFont(doc.raw, b"Helvetica")
    for lines in pages:
        page = doc.new_page(595, 842)
        for x, y, text in lines:
            obj = raw.FPDFPageObj_CreateTextObj(doc.raw, font, 10.0)
            buf = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
            raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
            raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
            raw.FPDFPage_InsertObject(page.raw, obj)
        raw.FPDFPage_GenerateContent(page.raw)
    doc.save(str(path))
    doc.close()
    return path


def _table(page, number, headers, last, caption=""):
    return {"page": page, "number": number, "caption": caption, "headers": headers, "last": last}


TABLES = [
    _table("book/one", 1, ["Benchmark", "Score (%)", "Verdict after correction"], ["ahead", "behind"], "Scores"),
    _table("book/two", 1, ["Model", "Sources of the printed scores"], ["llama3-paper Table 2", "model card"]),
]


def test_a_whole_table_passes_even_wrapped_and_hyphenated(tmp_path):
    lines = [
        (40, 800, "Scores"),
        (40, 780, "Benchmark Score (%) Verdict after"),
        (40, 768, "correction"),
        (40, 750, "MMLU 88.6 ahead"),
        (40, 730, "GSM8K 96.8 be-"),  # a word broken over two lines, with a hyphen
        (40, 718, "hind"),
    ]
    second = [(40, 800, "Model Sources of the printed"), (40, 788, "scores"), (40, 770, "A llama3-paper Table 2")]
    second.append((40, 750, "B model card"))
    printed = pdf.read(_pdf(tmp_path / "whole.pdf", [lines, second]))
    assert printed.beyond == []
    assert pdf.cut_tables(TABLES, printed) == []


def test_a_cut_table_is_named_with_its_page_and_what_it_lost(tmp_path):
    lines = [(40, 800, "Scores"), (40, 780, "Benchmark Score (%)"), (40, 750, "MMLU 88.6"), (40, 730, "GSM8K 96.8")]
    second = [(40, 800, "Model Sources of the printed"), (40, 770, "A llama3-paper Table 2")]
    second.append((520, 750, "B model card"))  # runs past the right margin
    printed = pdf.read(_pdf(tmp_path / "cut.pdf", [lines, second]))
    assert len(printed.beyond) == 1 and printed.beyond[0].startswith("page 2: ")
    problems = pdf.cut_tables(TABLES, printed)
    assert problems[:3] == [
        "page book/one, table 1 (Scores): column header 'Verdict after correction' is not in the PDF",
        "page book/one, table 1 (Scores): value of the last column 'ahead' is not in the PDF",
        "page book/one, table 1 (Scores): value of the last column 'behind' is not in the PDF",
    ]
    assert problems[3] == "page book/two, table 1: column header 'Sources of the printed scores' is not in the PDF"
    assert problems[-1].startswith("past the right margin: page 2: ") and "ends at" in problems[-1]


def test_tables_are_looked_for_in_their_order(tmp_path):
    # the second table's values stand only before the first table: not found where the second table is
    lines = [(40, 800, "model card"), (40, 780, "Scores Benchmark Score (%) Verdict after correction ahead behind")]
    lines.append((40, 760, "Model Sources of the printed scores llama3-paper Table 2"))
    printed = pdf.read(_pdf(tmp_path / "order.pdf", [lines]))
    assert pdf.cut_tables(TABLES, printed) == [
        "page book/two, table 1: value of the last column 'model card' is not in the PDF"
    ]


def test_a_release_made_before_the_check_is_printed_as_it_was(tmp_path):
    module = tmp_path / "src" / "herd" / "book" / "pdf.py"
    module.parent.mkdir(parents=True)
    module.write_text("def read(path): ...\n")
    assert not editions.checks_tables(tmp_path)
    module.write_text("def cut_tables(tables, printed): ...\n")
    assert editions.checks_tables(tmp_path)


@pytest.mark.parametrize("text", ["be-\nhind", "be\ufffehind", "be\u00adhind", "be hind"])
def test_a_word_broken_over_lines_reads_as_the_word(text):
    printed = pdf.Printed(pages=[f"Verdict {text}"], pictures=[], paths=[], beyond=[])
    assert pdf.cut_tables([_table("p", 1, ["Verdict"], ["behind"])], printed) == []
