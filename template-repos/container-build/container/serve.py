"""``serve``: load the model from ``/opt/ml/model`` and answer on port 8080 (gunicorn, pre-forked workers).

SageMaker stops the container with SIGTERM; gunicorn finishes the requests in flight and exits. The model is
loaded once before the workers fork, so a missing or broken model fails ``serve`` at once (non-zero exit) rather
than a health check later.

Settings (environment): ``SAGEMAKER_BIND_TO_PORT`` (default 8080, as SageMaker sets it for inference
pipelines), ``SERVE_BIND_HOST`` (default 0.0.0.0; the tests use 127.0.0.1), ``MODEL_SERVER_WORKERS`` (default: one
per CPU), ``MODEL_SERVER_TIMEOUT`` (seconds, default 60).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

from container import model
from container.app import Application
from container.layout import Layout


def options(environ: Mapping[str, str]) -> dict[str, Any]:
    host = environ.get("SERVE_BIND_HOST", "0.0.0.0")  # noqa: S104 - SageMaker reaches the container on 8080
    port = int(environ.get("SAGEMAKER_BIND_TO_PORT", "8080"))
    return {
        "bind": f"{host}:{port}",
        "workers": int(environ.get("MODEL_SERVER_WORKERS") or multiprocessing.cpu_count()),
        "timeout": int(environ.get("MODEL_SERVER_TIMEOUT", "60")),
        "accesslog": "-",
        "errorlog": "-",
    }


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, application: Application, settings: dict[str, Any]) -> None:
        self.application = application
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Application:
        return self.application


def main(layout: Layout | None = None) -> int:
    layout = layout or Layout.from_env()
    try:
        fitted = model.load(layout.model_dir)
    except Exception as error:
        print(f"serve: cannot load the model: {error}", file=sys.stderr)
        return 1
    Server(Application(fitted), options(os.environ)).run()
    return 0
