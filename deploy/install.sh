#!/bin/sh
# Install Ordergram into a new virtualenv the one way deploys do: the pinned, hashed
# dependencies of deploy/requirements.lock, then the wheel itself without resolving anything.
# Binary wheels only (--only-binary), so the image needs no compiler; `pip check` proves the
# lock satisfies the wheel's own requirements. deploy/Dockerfile runs this script, and so does
# tests/test_packaging.py (the test cannot drift from the image).
#   usage: deploy/install.sh VENV LOCK WHEEL [PYTHON]
set -eu
venv=$1 lock=$2 wheel=$3 python=${4:-python3}
"$python" -m venv "$venv"
pip() { "$venv/bin/python" -m pip --disable-pip-version-check --no-input "$@"; }
pip install --only-binary=:all: --require-hashes --requirement "$lock"
pip install --only-binary=:all: --no-deps "$wheel"
pip check
