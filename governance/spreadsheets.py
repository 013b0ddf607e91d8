"""CSV cells a spreadsheet reads as the text they are (the export and the pledge roster write CSV).

A cell that starts with "=", "+", "-" or "@" is a formula to Excel, LibreOffice and Google Sheets: a pledge
note or a proposal title typed as `=HYPERLINK(...)` would run on the steward's machine. OWASP ASVS 5.0,
requirement 1.2.10: "special characters (including '=', '+', '-', '@', '\\t' (tab), and '\\0' (null
character)) must be escaped with a single quote if they appear as the first character in a field value."
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\0", "\r")


def text_cell(text: str) -> str:
    """The text, with a single quote before it when a spreadsheet would read it as a formula."""
    return f"'{text}" if text[:1] in FORMULA_STARTS else text
