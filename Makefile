# Tandem. `make run` serves the app; `make test` runs every check CI runs.
GO       ?= go
BIN      := bin/tandem
FUZZTIME ?= 30s

.PHONY: build run test e2e screenshots vet fmt-check generate generate-check fuzz bench clean

build:
	$(GO) build -o $(BIN) ./cmd/tandem

run: build
	./$(BIN) -addr localhost:8080

## test: vet, formatting, generated code up to date, then every test with the race detector.
test: vet fmt-check generate-check
	$(GO) test -race -count=1 ./...

## e2e: only the browser tests (internal/e2e, which make test runs too), with
## the page budgets and the axe summary. They need Chromium; without it they
## skip, unless TANDEM_E2E=require.
e2e:
	$(GO) test -count=1 -v ./internal/e2e/

## screenshots: the browser tests write docs/screenshots (phone and desktop,
## light and dark).
screenshots:
	TANDEM_SCREENSHOTS=1 $(GO) test -count=1 -run='^TestScreenshots$$' -v ./internal/e2e/

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

generate:
	$(GO) tool templ generate

# Regenerates the templ output and fails if that changed anything: the
# committed *_templ.go files must match their .templ sources.
generate-check: generate
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		out=$$(git status --porcelain -- '*_templ.go'); \
		if [ -n "$$out" ]; then echo "generated templ code is stale; run 'make generate' and commit:"; echo "$$out"; exit 1; fi; \
	else echo "not a git checkout: skipping the generated-code check"; fi

## fuzz: run each fuzz target for FUZZTIME (make test runs their seed corpora).
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./internal/quiz
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeSectionForm$$' -fuzztime=$(FUZZTIME) ./internal/web

## bench: Go benchmarks, then the load run against the real binary (cmd/loadgen,
## about 70 s); not part of make test. LOADGEN_FLAGS='-c 64 -d 20s' to vary it.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...
	$(MAKE) build
	$(GO) run ./cmd/loadgen -server $(BIN) $(LOADGEN_FLAGS)

clean:
	rm -rf bin
