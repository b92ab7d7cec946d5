"""The architecture rules, checked over source text so they cover packages not yet written.

import-linter contracts name today's modules; these rules are stated over *kinds* of module
(any domain, any service, any repository), found by walking the package, so a domain added
tomorrow is checked the moment its folder exists. Each rule returns the violations it finds
as ``"path:line: message"`` strings.

Rules:
- only ``authz`` imports ``casbin``;
- services, repositories and models never import GraphQL, the kit or the HTTP layer;
- models never import the door's checks or scopes;
- no domain imports another domain's repository (only its service);
- a query of a tenant-owned model starts from ``readable``/``readable_filter``, or says why it
  may not with a ``# system scope: <reason>`` comment on its line or just above it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "inspectnet"
# Packages that are not domains: the door, the kit, the gateway, the assembly, the adapters.
INFRASTRUCTURE = {"authz", "graphql", "http", "cli", "observability", "rules"}
PRESENTATION = ("strawberry", "fastapi", "starlette", f"{PACKAGE}.graphql", f"{PACKAGE}.http")
SYSTEM_SCOPE_MARK = "# system scope:"
MARK_LOOKBACK = 3


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. inspectnet.targets.service
    path: Path
    tree: ast.Module
    lines: list[str]

    @property
    def parts(self) -> list[str]:
        return self.name.split(".")

    @property
    def top(self) -> str | None:
        """The first-level package below ``inspectnet`` (None for top-level modules)."""
        return self.parts[1] if len(self.parts) > 2 else None

    @property
    def leaf(self) -> str:
        return self.parts[-1]


def load(root: Path) -> list[Module]:
    """Every module of the package rooted at ``root`` (the ``inspectnet`` folder)."""
    modules = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        text = path.read_text("utf-8")
        modules.append(Module(".".join(parts), path, ast.parse(text), text.splitlines()))
    return modules


def domains(root: Path) -> set[str]:
    """First-level packages with a repository: the domains."""
    return {
        p.name
        for p in root.iterdir()
        if p.is_dir() and (p / "repository.py").exists() and p.name not in INFRASTRUCTURE
    }


def imports(module: Module) -> Iterator[tuple[int, str]]:
    """``(line, imported module)`` for every import, relative ones resolved."""
    package = module.parts if module.path.name == "__init__.py" else module.parts[:-1]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}"


def _is(target: str, prefix: str) -> bool:
    return target == prefix or target.startswith(prefix + ".")


def _where(module: Module, line: int) -> str:
    return f"{module.path}:{line}"


def casbin_only_in_authz(modules: list[Module]) -> list[str]:
    return [
        f"{_where(m, line)}: imports casbin outside authz"
        for m in modules
        if m.top != "authz"
        for line, target in imports(m)
        if _is(target, "casbin")
    ]


def layers(modules: list[Module]) -> list[str]:
    found = []
    for m in modules:
        if m.leaf not in ("service", "repository", "models"):
            continue
        for line, target in imports(m):
            # A models module is SQLAlchemy only wherever it lives (the gateway's keys too).
            if target.endswith(".models"):
                continue
            if any(_is(target, p) for p in PRESENTATION):
                found.append(f"{_where(m, line)}: a {m.leaf} module imports {target}")
            if m.leaf == "models" and (
                _is(target, f"{PACKAGE}.authz.checks") or _is(target, f"{PACKAGE}.authz.scopes")
            ):
                found.append(f"{_where(m, line)}: a models module imports the door ({target})")
    return found


def foreign_repositories(modules: list[Module], domain_names: set[str]) -> list[str]:
    found = []
    for m in modules:
        for line, target in imports(m):
            for domain in domain_names:
                if domain != m.top and _is(target, f"{PACKAGE}.{domain}.repository"):
                    found.append(f"{_where(m, line)}: imports another domain's repository {target}")
    return sorted(set(found))


def tenant_models(modules: list[Module]) -> set[str]:
    """Class names of models the door protects: they declare ``__authz_type__``."""
    names = set()
    for m in modules:
        if m.leaf != "models":
            continue
        for node in ast.walk(m.tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__authz_type__" for t in stmt.targets)
                for stmt in node.body
            ):
                names.add(node.name)
    return names


def _names_in(node: ast.AST) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
            found.add(sub.value.id)
    return found


def _calls(node: ast.AST) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            if isinstance(func, ast.Name):
                found.add(func.id)
            elif isinstance(func, ast.Attribute):
                found.add(func.attr)
    return found


def _statement_roots(tree: ast.Module) -> Iterator[ast.AST]:
    """The unit a query is judged in: a simple statement, or a compound statement's header."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Try):
            continue
        if isinstance(node, ast.If | ast.While):
            yield node.test
        elif isinstance(node, ast.For | ast.AsyncFor):
            yield node.iter
        elif isinstance(node, ast.With | ast.AsyncWith):
            yield from (item.context_expr for item in node.items)
        elif isinstance(node, ast.stmt):
            yield node


def _marked(module: Module, line: int) -> bool:
    window = module.lines[max(0, line - 1 - MARK_LOOKBACK) : line]
    return any(SYSTEM_SCOPE_MARK in text for text in window)


SCOPES = frozenset({"readable", "readable_filter"})


def scoping_functions(modules: list[Module]) -> set[str]:
    """``readable``, ``readable_filter`` and every function that returns through one of them.

    A repository's own filter (``proposals_filter``) narrows as the door does, so a query built
    on it starts from the door too; found to a fixed point, so helpers of helpers count.
    """
    bodies = {
        node.name: _calls(node)
        for m in modules
        if m.top != "authz"
        for node in ast.walk(m.tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(isinstance(sub, ast.Return) for sub in ast.walk(node))
    }
    found = set(SCOPES)
    while True:
        more = {name for name, calls in bodies.items() if calls & found} - found
        if not more:
            return found
        found |= more


def unscoped_queries(modules: list[Module], models: set[str]) -> list[str]:
    """``select(...)``/``session.get(...)`` of a tenant model in a statement without the door."""
    found = []
    scopes = scoping_functions(modules)
    for m in modules:
        if m.top == "authz":
            continue
        for statement in _statement_roots(m.tree):
            for call in ast.walk(statement):
                if not isinstance(call, ast.Call):
                    continue
                func = call.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name not in ("select", "get", "select_from"):
                    continue
                if name == "get" and not (
                    isinstance(func, ast.Attribute) and "session" in ast.unparse(func.value)
                ):
                    continue
                touched = set().union(*(_names_in(arg) for arg in call.args)) & models
                if not touched:
                    continue
                if _calls(statement) & scopes:
                    continue
                if _marked(m, call.lineno):
                    continue
                found.append(
                    f"{_where(m, call.lineno)}: query of {', '.join(sorted(touched))} "
                    f"does not start from readable (mark '{SYSTEM_SCOPE_MARK} <why>' if it must not)"
                )
    return sorted(set(found))


def violations(root: Path) -> list[str]:
    """Every rule over the package at ``root``."""
    modules = load(root)
    return [
        *casbin_only_in_authz(modules),
        *layers(modules),
        *foreign_repositories(modules, domains(root)),
        *unscoped_queries(modules, tenant_models(modules)),
    ]
