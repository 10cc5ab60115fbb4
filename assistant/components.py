"""Components registered by name, each declaring the packages it needs (after ragna's RequirementsMixin).

A seam with several implementations (stores, generators) keeps a ``Registry``: a setting names the one to use, and
``policy-assistant check`` lists every component with its packages, installed or not. Implementations are imported
only when chosen, so a component whose packages are missing costs nothing until it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Generic, TypeVar

F = TypeVar("F", bound=Callable[..., object])


class UnknownComponent(ValueError):
    """A setting names a component no registry holds; the message lists the registered names."""


@dataclass(frozen=True)
class Package:
    """A distribution a component imports, and how to install it."""

    name: str
    extra: str = ""
    """The policy-assistant extra that installs it (``pip install 'policy-assistant[extra]'``), if any."""

    def version(self) -> str | None:
        """The installed version; None when it is not installed."""
        try:
            return version(self.name)
        except PackageNotFoundError:
            return None

    @property
    def install(self) -> str:
        return f"pip install 'policy-assistant[{self.extra}]'" if self.extra else f"pip install {self.name}"


@dataclass(frozen=True)
class Component(Generic[F]):
    kind: str
    name: str
    factory: F
    packages: tuple[Package, ...] = ()

    def missing(self) -> list[Package]:
        return [package for package in self.packages if package.version() is None]


class Registry(Generic[F]):
    """Components of one kind by name: ``@REGISTRY.register("name", Package(...))`` on a factory."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._components: dict[str, Component[F]] = {}

    def register(self, name: str, *packages: Package) -> Callable[[F], F]:
        def add(factory: F) -> F:
            if name in self._components:
                raise ValueError(f"{self.kind} '{name}' is registered twice")
            self._components[name] = Component(self.kind, name, factory, packages)
            return factory

        return add

    def names(self) -> tuple[str, ...]:
        return tuple(self._components)

    def __getitem__(self, name: str) -> Component[F]:
        try:
            return self._components[name]
        except KeyError:
            raise UnknownComponent(
                f"unknown {self.kind} '{name}'; registered {self.kind}s: {', '.join(self._components)}"
            ) from None

    def __iter__(self) -> Iterator[Component[F]]:
        return iter(self._components.values())
