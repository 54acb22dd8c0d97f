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

.PHONY: bootstrap deps kafka-jars stack-up stack-down demo test test-unit lint typecheck bench clean

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

test: stack-up typecheck lint
	$(PNPM) exec vitest run

bench: stack-up
	$(PNPM) pulse bench

clean:
	rm -rf .pulse
