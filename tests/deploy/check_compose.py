#!/usr/bin/env python3
"""Static checks of docker-compose.yml and the Dockerfile (no Docker engine here).

Usage: check_compose.py SOURCE_DIR BIOSENSE_BINARY

Checks that the compose file wires what the issue asks (MariaDB, RabbitMQ with
management, a stream worker, a training worker, consumers, Metabase under a
profile), that every MODE is one the entrypoint accepts, that every BIOSENSE_*
variable is a configuration key's variable (from `biosense config keys`), and
that the Dockerfile's runtime stage is non-root, has a HEALTHCHECK and installs
packages covering every shared library the built binary links.
Exit 0: all good; 1: a problem (printed).
"""
import re
import subprocess
import sys

import yaml

src, binary = sys.argv[1], sys.argv[2]
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)


# --- the entrypoint's modes and the configuration's variables -----------------
entrypoint = open(f"{src}/scripts/docker-entrypoint.sh").read()
modes = set(re.findall(r"^\s+([A-Za-z]+)\) set --", entrypoint, re.M))
check({"FaceStreaming", "FaceTraining", "Consumer", "Once"} <= modes, f"entrypoint modes: {sorted(modes)}")
keys = subprocess.run([binary, "config", "keys", "--format", "markdown"], check=True, capture_output=True,
                      text=True).stdout
variables = set(re.findall(r"`(BIOSENSE_[A-Z_]+)`", keys))
check("BIOSENSE_DB_URL" in variables and "BIOSENSE_AMQP_URL" in variables, "config keys lack the URL variables")

# --- docker-compose.yml --------------------------------------------------------
compose = yaml.safe_load(open(f"{src}/docker-compose.yml"))
services = compose.get("services", {})
check("mariadb" in services and services["mariadb"]["image"].startswith("mariadb:"), "no mariadb service")
check("rabbitmq" in services and "management" in services["rabbitmq"]["image"], "no rabbitmq:*-management service")
check("dashboard" in services.get("metabase", {}).get("profiles", []), "metabase is not under a profile")
want = {"stream": "FaceStreaming", "train": "FaceTraining", "consumer": "Consumer", "migrate": "Migrate",
        "watch": "Watch"}
for name, mode in want.items():
    env = services.get(name, {}).get("environment", {})
    check(env.get("MODE") == mode, f"service {name}: MODE is {env.get('MODE')!r}, expected {mode}")
for name, service in services.items():
    env = service.get("environment", {}) or {}
    check(isinstance(env, dict), f"service {name}: environment should be a mapping")
    if "MODE" in env:
        check(env["MODE"] in modes, f"service {name}: MODE {env['MODE']} is not handled by the entrypoint")
        check(service.get("image", "").startswith("${BIOSENSE_IMAGE"), f"service {name}: not the biosense image")
        check("mariadb:3306" in env.get("BIOSENSE_DB_URL", ""), f"service {name}: database URL not wired")
        check("@rabbitmq:5672" in env.get("BIOSENSE_AMQP_URL", ""), f"service {name}: AMQP URL not wired")
    for var in env:
        if var.startswith("BIOSENSE_"):
            check(var in variables, f"service {name}: {var} is not a configuration variable (typo?)")
    for dep in (service.get("depends_on") or {}):
        check(dep in services, f"service {name}: depends on unknown service {dep}")
check(services["consumer"]["depends_on"]["rabbitmq"]["condition"] == "service_healthy",
      "consumers do not wait for RabbitMQ")

# --- Dockerfile -------------------------------------------------------------------
dockerfile = open(f"{src}/Dockerfile").read()
stages = re.findall(r"^FROM (\S+)(?: AS (\S+))?", dockerfile, re.M)
check(any(image == "debian:bookworm" for image, _ in stages), "no debian:bookworm build stage")
runtime = dockerfile[dockerfile.rindex("\nFROM "):]
check(runtime.startswith("\nFROM debian:bookworm-slim"), "the last stage is not debian:bookworm-slim")
user = re.findall(r"^USER (\S+)", runtime, re.M)
check(user and user[-1] not in ("root", "0"), f"runtime user: {user}")
check(re.search(r"^HEALTHCHECK .*CMD", runtime, re.M) is not None, "no HEALTHCHECK")
check("docker-entrypoint.sh" in runtime and "ENTRYPOINT" in runtime, "no entrypoint")
check("COPY --from=test" in runtime, "the runtime does not depend on the test stage")
apt = re.search(r"apt-get install -y -q --no-install-recommends(.*?)&&", runtime, re.S)
listed = {w for w in apt.group(1).split() if w != "\\"} if apt else set()
check(len(listed) >= 10, f"runtime packages not found in the Dockerfile: {sorted(listed)}")

for pkg in sorted(listed):
    if subprocess.run(["apt-cache", "show", pkg], capture_output=True).returncode != 0:
        problems.append(f"Dockerfile runtime package {pkg} is unknown to apt")

ldd = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
libs = [line.split("=>")[1].split()[0] for line in ldd.splitlines() if "=>" in line and "/" in line]
owners = set()
for lib in libs:
    real = subprocess.run(["readlink", "-f", lib], capture_output=True, text=True).stdout.strip()
    out = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True).stdout
    if out:
        owners.add(out.split(":")[0])
deps = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                       "--no-breaks", "--no-replaces", "--no-enhances", *sorted(listed)],
                      capture_output=True, text=True).stdout
closure = {line.strip() for line in deps.splitlines() if line and not line.startswith(" ")}
# The sanitizer runtimes appear when the ASan build is checked; the image
# ships the Release build, which does not link them.
owners = {pkg for pkg in owners if not re.match(r"lib(asan|ubsan|lsan|tsan)\d", pkg)}
for pkg in sorted(owners):
    check(pkg in closure or pkg in ("libc6", "libgcc-s1", "libstdc++6"),
          f"the binary needs {pkg}, which the runtime stage does not install")
check(len(owners) >= 5, f"ldd found too few libraries: {sorted(owners)}")

for p in problems:
    print("check_compose:", p)
print(f"check_compose: {len(problems)} problem(s); {len(services)} services, {len(owners)} runtime packages checked")
sys.exit(1 if problems else 0)
