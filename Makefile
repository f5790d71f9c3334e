# Morgana: `make run` serves the example site; `make test` runs the tests.
# Keys (FS, NET, PORT, ...) are passed as make variables: `make configure FS=crunch NET=socket`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

JAVA_HOME := $(shell scripts/find-jdk.sh)
ifeq ($(JAVA_HOME),)
$(error no JDK 25 found; see the message above)
endif
export JAVA_HOME
JAVA := $(JAVA_HOME)/bin/java
MVN := mvn -B -q -Dstyle.color=never
export MAVEN_OPTS ?= -XX:+UseSerialGC -Xshare:auto
# The JVM decodes file names with the locale's charset: site files may have non-ASCII names.
export LC_ALL := C.UTF-8

# The appliance to configure: a folder under configs/ holding config.java.
APP ?= www
BUILD := build/$(APP)
# Keys given on the command line, passed to the config (APP is make's own).
KEYS := $(filter-out APP=%,$(MAKEOVERRIDES))

SOURCES := $(shell find pom.xml */pom.xml */src -type f 2>/dev/null)
JARS_STAMP := build/.jars

.PHONY: help deps jars configure build run test clean

help:
	@echo "make run                 build on first use and serve htdocs-example on http://127.0.0.1:8080/"
	@echo "make configure KEY=V...  evaluate configs/\$$APP/config.java and generate its Main (APP=$(APP))"
	@echo "make build               compile, crunch htdocs and link only what the config needs"
	@echo "make test                install test dependencies and run every test"
	@echo "make clean               remove build outputs"

# System packages the tests need (root only; prints what it would install otherwise).
deps:
	@scripts/deps.sh

# Compiles and packages every module (tests skipped); redone only when a source changed.
$(JARS_STAMP): $(SOURCES)
	@echo "==> compiling modules (mvn package)"
	@$(MVN) -DskipTests package
	@mkdir -p build && touch $@

jars: $(JARS_STAMP)

APPLIANCE_CP = appliance/target/classes:$(shell cat appliance/target/classpath.txt 2>/dev/null)

configure: $(JARS_STAMP)
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli configure --app $(APP) --out $(BUILD) $(KEYS)

$(BUILD)/appliance.manifest:
	@$(MAKE) --no-print-directory configure APP=$(APP)

build: $(JARS_STAMP) $(BUILD)/appliance.manifest
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli build --out $(BUILD)

run: build
	@$(BUILD)/bin/$(APP)

test: deps
	@$(MVN) verify

clean:
	@$(MVN) clean
	rm -rf build

# ---- load tests ----
# Gatling simulations of load-tests/ (docs/load-tests.md). Reports land in build/load-reports/.
LOAD := load-tests/bin/load.sh
URL ?= http://127.0.0.1:8080
SIM ?= mixed
export RATE DURATION USERS BULK_USERS THINK PAGES WARMUP P99 HTDOCS

.PHONY: load-test load-smoke soak load-capacity

# One simulation (SIM=visitor|small|bulk|mixed|https) against a running appliance at URL.
load-test: $(JARS_STAMP)
	@$(LOAD) run $(SIM) $(URL)

# The default appliance on a free port, a few seconds of visitors; fails on any failed check.
load-smoke: $(JARS_STAMP)
	@$(LOAD) smoke

# Ten minutes of mixed load on the default appliance; its resident memory sampled every 30 s.
soak: $(JARS_STAMP)
	@$(LOAD) soak

# Step search: the highest small-file rate held 60 s with p99 < 100 ms and no failed check.
load-capacity: $(JARS_STAMP)
	@$(LOAD) capacity
