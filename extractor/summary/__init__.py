"""Across the reports of a batch: the summary table (CSV, XLSX) and the batch memo (Markdown, HTML, DOCX)."""
