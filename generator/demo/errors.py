"""Errors of the build-time demos: each one names the demo (and the file, where it knows)."""

from __future__ import annotations

from generator.errors import GeneratorError


class DemoError(GeneratorError):
    """A demo cannot be used as it is: unknown, badly declared, or its result is unusable.

    Args:
        demo: The demo's name.
        message: What is wrong, in French.
    """

    def __init__(self, demo: str, message: str) -> None:
        self.demo = demo
        self.message = message
        super().__init__(f"démo « {demo} » : {message}")


class DemoRunError(DemoError):
    """A run of a demo failed: non-zero exit, timeout, or missing or malformed output.

    Args:
        demo: The demo's name.
        reason: Why the run failed, in one French sentence.
        output_tail: The last lines the demo printed (stdout and stderr together).
    """

    def __init__(self, demo: str, reason: str, *, output_tail: str = "") -> None:
        self.reason = reason
        self.output_tail = output_tail
        message = reason
        if output_tail.strip():
            message += f"\n--- fin de la sortie de la démo ---\n{output_tail.rstrip()}"
        super().__init__(demo, message)
