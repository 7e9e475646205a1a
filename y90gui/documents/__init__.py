"""The report document (spec/publication.md): one content model, written as .docx and .pdf.

`model.build_document` gathers the title, the methods and settings paragraph, Tables 1-4
(`analysis.tables`) and Figures 1-4 (`figures`, rendered once to PNG at their physical size);
`docx.write_docx` and `pdf.write_pdf` only lay that model out, so the two files say the same.
No Qt; python-docx and reportlab are imported by the writer that needs them.
"""
