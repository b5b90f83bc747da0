"""Lambda functions forget their dead-letter queue and logging configuration (moto 5.2.5 gap).

moto accepts ``DeadLetterConfig`` and ``LoggingConfig`` on CreateFunction/UpdateFunctionConfiguration but never
returns them from GetFunction/GetFunctionConfiguration, so Terraform plans to add them again on every run.

The extension keeps both from the request and returns them; without a LoggingConfig a function reports AWS's
default (text logs into ``/aws/lambda/<function name>``).
"""

from __future__ import annotations

from typing import Any

_KEYS = ("DeadLetterConfig", "LoggingConfig")


def register() -> None:
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    if getattr(original_init, "_platform_extension", False):
        return
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        self._platform_settings = {key: spec[key] for key in _KEYS if spec.get(key)}

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config: dict[str, Any] = original_get(self, *args, **kwargs)
        settings = getattr(self, "_platform_settings", {})
        if settings.get("DeadLetterConfig", {}).get("TargetArn"):
            config["DeadLetterConfig"] = settings["DeadLetterConfig"]
        logging = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{self.function_name}"}
        logging.update(settings.get("LoggingConfig", {}))
        config["LoggingConfig"] = logging
        return config

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        settings = getattr(self, "_platform_settings", {})
        settings.update({key: config_updates[key] for key in _KEYS if key in config_updates})
        self._platform_settings = settings
        return original_update(self, config_updates)

    init._platform_extension = True  # type: ignore[attr-defined]
    LambdaFunction.__init__ = init  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
