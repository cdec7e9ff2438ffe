#!/usr/bin/env python3
"""Structural check of docker-compose.yaml that needs neither Docker nor Compose, for CI.

Usage: python3 ops/compose-check.py [path/to/docker-compose.yaml]   (default: the repository's)
Exit codes: 0 no problem, 1 problems found (each printed), 2 the file cannot be read or parsed.

What the apps read, and whether they accept the values, is ComposeFileTest's job (ops/cli); this script checks the
shape Compose needs: services with an image or a build, depends_on naming existing services with a known
condition, healthcheck tests as lists, ports and environment values as strings, bind-mounted files present.
Needs python3 and PyYAML.
"""
import os
import sys

import yaml

TOP_LEVEL = {"name", "services", "networks", "volumes", "configs", "secrets", "include", "models"}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
HEALTHCHECK_KINDS = {"CMD", "CMD-SHELL", "NONE"}


class UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; Compose rejects the file, so this loader does too."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, "duplicate key %r" % (key,), key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def check(compose, base_dir):
    """Every problem found, as 'where: what' lines."""
    if not isinstance(compose, dict):
        return ["top level: must be a mapping"]
    problems = []
    if "version" in compose:
        problems.append("version: obsolete in the Compose specification; remove it")
    for key in compose:
        if key not in TOP_LEVEL and key != "version" and not str(key).startswith("x-"):
            problems.append("%s: unknown top-level key" % key)
    services = compose.get("services")
    if not isinstance(services, dict) or not services:
        return problems + ["services: must be a non-empty mapping"]
    for name, service in services.items():
        if not isinstance(service, dict):
            problems.append("%s: must be a mapping" % name)
            continue
        problems += ["%s: %s" % (name, p) for p in check_service(service, services, base_dir)]
    return problems


def check_service(service, services, base_dir):
    problems = []
    if "image" not in service and "build" not in service:
        problems.append("needs image or build")
    problems += check_build(service.get("build"), base_dir)
    problems += check_depends_on(service.get("depends_on", {}), services)
    problems += check_healthcheck(service.get("healthcheck"))
    for key in ("ports", "expose"):
        for entry in service.get(key, []) or []:
            if not isinstance(entry, str):
                problems.append("%s: %r must be a quoted string (YAML 1.1 reads 22:22 as the number 1342)"
                                % (key, entry))
    problems += check_environment(service.get("environment"))
    for key in ("entrypoint", "command"):
        value = service.get(key)
        if value is not None and not isinstance(value, str) and not is_string_list(value):
            problems.append("%s: must be a string or a list of strings" % key)
    if "profiles" in service and not is_string_list(service["profiles"]):
        problems.append("profiles: must be a list of strings")
    for volume in service.get("volumes", []) or []:
        source = volume.split(":")[0] if isinstance(volume, str) else None
        if source and source.startswith(".") and not os.path.exists(os.path.join(base_dir, source)):
            problems.append("volumes: %s does not exist" % source)
    return problems


def check_build(build, base_dir):
    if build is None:
        return []
    context = build if isinstance(build, str) else build.get("context", ".") if isinstance(build, dict) else None
    if context is None:
        return ["build: must be a path or a mapping"]
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    if not os.path.isfile(os.path.join(base_dir, context, dockerfile)):
        return ["build: no %s in %s" % (dockerfile, context)]
    return []


def check_depends_on(depends_on, services):
    if isinstance(depends_on, list):
        depends_on = {target: {"condition": "service_started"} for target in depends_on}
    if not isinstance(depends_on, dict):
        return ["depends_on: must be a list or a mapping"]
    problems = []
    for target, spec in depends_on.items():
        condition = (spec or {}).get("condition", "service_started") if isinstance(spec, dict) else None
        if target not in services:
            problems.append("depends_on: no service %s" % target)
        elif condition not in CONDITIONS:
            problems.append("depends_on %s: condition must be one of %s" % (target, ", ".join(sorted(CONDITIONS))))
        elif condition == "service_healthy" and "test" not in (services[target].get("healthcheck") or {}):
            problems.append("depends_on %s: service_healthy, but %s defines no healthcheck test" % (target, target))
    return problems


def check_healthcheck(healthcheck):
    if healthcheck is None:
        return []
    if not isinstance(healthcheck, dict):
        return ["healthcheck: must be a mapping"]
    if healthcheck.get("disable") is True:
        return ["healthcheck: disable: true and a test contradict each other"] if "test" in healthcheck else []
    test = healthcheck.get("test")
    if not is_string_list(test) or not test or test[0] not in HEALTHCHECK_KINDS:
        return ['healthcheck: test must be a list starting with "CMD", "CMD-SHELL" or "NONE"']
    return []


def check_environment(environment):
    if environment is None:
        return []
    if isinstance(environment, list):
        return [] if is_string_list(environment) else ["environment: list items must be NAME=value strings"]
    if not isinstance(environment, dict):
        return ["environment: must be a mapping or a list"]
    # Unquoted, YAML turns 20 into a number and yes/no/on/off into booleans that Compose renders differently.
    return ["environment: %s=%r must be a quoted string" % (k, v) for k, v in environment.items()
            if v is not None and not isinstance(v, str)]


def is_string_list(value):
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def main(argv):
    path = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                      "docker-compose.yaml")
    try:
        with open(path, encoding="utf-8") as f:
            compose = yaml.load(f, Loader=UniqueKeyLoader)
    except (OSError, yaml.YAMLError) as e:
        print("%s: %s" % (path, e), file=sys.stderr)
        return 2
    problems = check(compose, os.path.dirname(os.path.abspath(path)))
    for problem in problems:
        print("%s: %s" % (os.path.relpath(path), problem), file=sys.stderr)
    if not problems:
        print("%s: %d services, structure OK" % (os.path.relpath(path), len(compose["services"])))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
