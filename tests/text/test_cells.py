import pandas as pd

from dvlib.text.cells import escape_cell, escape_formulas


def test_escape_formulas_prefixes_dangerous_text_only():
    frame = pd.DataFrame({
        "text": ["=HYPERLINK(\"http://x\",\"bấm\")", "+84 912", "- Tăng cường dân vận khéo",
                 "@SUM(A1)", "\tcmd", "\rx", "Điện Biên", None, "a=b"],
        "n": [1, 2, 3, 4, 5, 6, 7, 8, -9],
    })
    out = escape_formulas(frame)
    assert out["text"].tolist()[:6] == ["'=HYPERLINK(\"http://x\",\"bấm\")", "'+84 912",
                                        "'- Tăng cường dân vận khéo", "'@SUM(A1)", "'\tcmd",
                                        "'\rx"]
    assert out["text"].tolist()[6] == "Điện Biên"
    assert pd.isna(out["text"].tolist()[7])
    assert out["text"].tolist()[8] == "a=b"
    # numbers (even negative) are not text and stay numbers
    assert out["n"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8, -9]
    assert out["n"].dtype == frame["n"].dtype
    # the input is untouched
    assert frame["text"][0].startswith("=")


def test_escape_cell_and_headers():
    assert escape_cell("-1") == "'-1"
    assert escape_cell(-1) == -1
    out = escape_formulas(pd.DataFrame({"=x": ["ok"]}))
    assert list(out.columns) == ["'=x"]
