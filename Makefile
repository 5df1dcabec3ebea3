# The two commands a newcomer needs:  make demo   and   make test
# Each installs what it needs. Everything else here is a step of those two.

SHELL := /bin/bash
.DEFAULT_GOAL := help
export NODE_OPTIONS := --experimental-vm-modules
TSX := npx tsx --conditions=development
# For benchmarks: the workspace packages as deployed, compiled by `build` (dist/), not their sources
# through tsx's transform, which wraps every named closure in a naming call (measured 0.6 µs of CPU
# per event in bench-eventkit, for a `const` callback the publish path creates per event).
TSX_BUILT := npx tsx
PUBSUB_EMULATOR_HOST ?= 127.0.0.1:8085
# The browser the ops console's browser test drives through playwright-core (`npx playwright install`
# cannot download one on these machines; Debian's package can be installed).
export CHROMIUM ?= /usr/bin/chromium

.PHONY: help install build lint check-contracts audit browser infra-generate test test-unit test-integration demo provision emulators emulators-stop catalogue bench-eventkit bench-fraud emulator-latency clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json ## npm ci, only when package-lock.json changed

build: install ## type-check and compile every package (tsc --build)
	npx tsc --build
	npx tsc -p tsconfig.tests.json

lint: install ## eslint over the whole repository
	npx eslint . --max-warnings=0

check-contracts: install ## generated schemas and catalogue are current; no breaking contract change
	npm run --silent contracts:check

audit: install ## npm audit of production dependencies: fails on high/critical unless in audit-allowlist.json; says so loudly (and passes) when the endpoint is unreachable, unless AUDIT_REQUIRED=1
	node scripts/audit.mjs

browser: ## Chromium for the ops console's browser test: Debian's package, installed once when CHROMIUM is missing
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "No Chromium at $(CHROMIUM): installing Debian's chromium package for the ops console's browser test"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; else sudo=none; fi; \
	  if [ "$$sudo" = none ] || ! command -v apt-get >/dev/null; then \
	    echo "Cannot install it here (needs apt-get and root or sudo). Install Chromium or Chrome, then run with CHROMIUM=/path/to/it"; exit 1; \
	  fi; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null \
	    || { echo "apt-get install chromium failed (output above). Install Chromium or Chrome, then run with CHROMIUM=/path/to/it"; exit 1; }; \
	  [ -x "$(CHROMIUM)" ] || { echo "chromium installed, but not at $(CHROMIUM): run with CHROMIUM=$$(command -v chromium)"; exit 1; }; \
	fi

test: build lint check-contracts audit browser ## every test: unit, then integration against a Pub/Sub emulator the harness starts
	node scripts/run-tests.mjs

test-unit: install ## unit tests only (no emulator)
	node scripts/run-tests.mjs --selectProjects unit

test-integration: install browser ## integration tests only (starts its own emulator)
	node scripts/run-tests.mjs --selectProjects integration

demo: build ## the whole system locally on the emulator; ONCE=1 exits after the summary
	$(TSX) scripts/demo.ts $(if $(ONCE),--once) $(if $(ORDERS),--orders $(ORDERS))

provision: install ## apply infra/topology.yaml to the emulator at PUBSUB_EMULATOR_HOST (or PROJECT=<id> for a real project)
	$(if $(PROJECT),$(TSX) packages/topology/src/cli.ts --project $(PROJECT),$(TSX) packages/topology/src/cli.ts --emulator-host $(PUBSUB_EMULATOR_HOST))

emulators: install ## start the Pub/Sub and Bigtable emulators in the background (ports 8085, 8086)
	scripts/emulators.sh start all

emulators-stop: ## stop them
	scripts/emulators.sh stop all

catalogue: install ## regenerate contracts/generated and contracts/CATALOGUE.md
	npm run --silent contracts:generate

infra-generate: install ## regenerate infra/pubsub.tf.json (Terraform for Pub/Sub) from infra/topology.yaml; make test fails when it is stale
	$(TSX) scripts/infra/generate.ts

bench-fraud: build ## fraud scorer end to end on the emulator: latency at a fixed rate, max throughput, model alone; last line is JSON
	$(TSX) scripts/bench-fraud.ts $(if $(RATE),--rate $(RATE))

emulator-latency: build ## the emulator's own one-hop latency and delivery ceiling here (the floor under every end-to-end figure); last line is JSON
	$(TSX) scripts/emulator-latency.ts

bench-eventkit: build ## event kit vs raw client throughput on the emulator; last line is JSON
	$(TSX_BUILT) scripts/bench-eventkit.ts $(if $(MESSAGES),--messages $(MESSAGES))

# Each service or package may add its own targets (bench-*, eval-*, ...) in a make.mk of its own.
include $(wildcard services/*/make.mk packages/*/make.mk)

clean: ## remove build output and scratch files
	npx tsc --build --clean
	rm -rf .tmp
