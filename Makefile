# Entry points. Each target bootstraps what it needs on a fresh clone:
# pnpm (pinned, installed through npm into .tools/), the packages
# (frozen lockfile) and Kafka's jars (Maven, cached in infra/kafka/.jars/).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PNPM_VERSION := $(shell node -p "require('./package.json').packageManager.split('@')[1]")
TOOLS := .tools
PNPM := $(abspath $(TOOLS))/node_modules/.bin/pnpm
export PNPM
export KAFKAJS_NO_PARTITIONER_WARNING := 1

.PHONY: bootstrap deps kafka-jars tools stack-up stack-down demo test test-unit lint typecheck bench clean

bootstrap: deps kafka-jars

$(PNPM): package.json
	@command -v node >/dev/null || { echo "node 20 is required" >&2; exit 1; }
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error pnpm@$(PNPM_VERSION)
	@touch $@

node_modules/.modules.yaml: $(PNPM) pnpm-lock.yaml package.json
	$(PNPM) install --frozen-lockfile
	@touch $@

deps: node_modules/.modules.yaml

kafka-jars:
	infra/kafka/fetch.sh

# promtool and prometheus (Debian's package) check the alert rules and scrape
# the services in the observability tests; installed when missing.
tools:
	@command -v promtool >/dev/null && command -v prometheus >/dev/null || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends prometheus; }

stack-up: bootstrap
	infra/stack.sh up

stack-down:
	infra/stack.sh down

demo: stack-up
	$(PNPM) pulse demo

typecheck: deps
	$(PNPM) typecheck

lint: deps
	$(PNPM) lint

test-unit: deps
	$(PNPM) exec vitest run --project unit

test: tools stack-up typecheck lint
	$(PNPM) exec vitest run

bench: stack-up
	$(PNPM) pulse bench

clean:
	rm -rf .pulse
