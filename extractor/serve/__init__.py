"""The review workbench: ``extractor serve OUT/`` puts a local web application over a batch's
review store (batch page, report page with decisions, an office across years). Server-rendered
jinja2 pages from a small Starlette app; the only JavaScript is a bundled file for keyboard
shortcuts and saving decisions without a reload. Nothing is fetched from the internet."""

from extractor.serve.app import create_app

__all__ = ["create_app"]
