"""Command line: ``extractor serve OUT/``, registered on the main app."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True, highlight=False, soft_wrap=True)
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


def _fail(message: str) -> None:
    err.print(f"[red]error[/red]: {message}", markup=True)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before uvicorn starts so a taken port is a one-line error and
    ``--port 0`` gives a free port whose number we can print."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise typer.BadParameter(f"cannot listen on {host}:{port} ({exc.strerror}); try another --port") from None
    return sock


def serve(
    target: Annotated[Path, typer.Argument(help="the batch output folder (or its review.db)")] = Path("out"),
    host: Annotated[str, typer.Option(help="address to listen on (beyond localhost an access token is required)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port (0: any free port)")] = 8765,
    token: Annotated[str | None, typer.Option(help="access token required on every request (made up when "
                                                    "--host is not local and none is given)")] = None,
    reviewer: Annotated[str | None, typer.Option(help="name recorded with decisions (default: the login name)")] = None,
    browser: Annotated[bool, typer.Option(help="open the workbench in the browser")] = True,
) -> None:
    """The review workbench: a local web application over a batch's review store."""
    import uvicorn

    from extractor.serve import create_app
    from extractor.store import StoreError

    local = is_loopback(host)
    if not local and token is None:
        token = secrets.token_urlsafe(24)
    try:
        app = create_app(target, reviewer=reviewer, token=token, hosts=LOCAL_NAMES | {host} if local else None)
    except StoreError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    try:
        sock = bind(host, port)
    except typer.BadParameter as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/" + (f"?token={token}" if token else "")
    err.print(f"review workbench on {url} (Ctrl+C to stop)", markup=False)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    if browser:
        import threading
        import webbrowser

        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    server.run(sockets=[sock])


def register(app: typer.Typer) -> None:
    app.command()(serve)
