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

# ---- xen target ----
# TARGET=xen writes build/$(APP)-xen/: vmlinuz, initramfs.cpio.gz, $(APP).xl and run-qemu.sh (docs/xen.md).
XEN_IMAGE := $(BUILD)-xen
HOST_PORT ?= 8080

.PHONY: run-qemu test-vm

# Boots the VM image under QEMU (software emulation); the site is on http://127.0.0.1:$(HOST_PORT)/.
run-qemu: build
	@test -x $(XEN_IMAGE)/run-qemu.sh || { echo "no VM image: make configure TARGET=xen first"; exit 2; }
	@HOST_PORT=$(HOST_PORT) $(XEN_IMAGE)/run-qemu.sh

# All the VM tests (make test runs all but the bad-boot-key boot): TARGET=xen images booted under QEMU.
test-vm: deps $(JARS_STAMP)
	@MORGANA_VM_TESTS=all $(MVN) -pl appliance -am verify -Dtest=VmImageTest -Dsurefire.failIfNoSpecifiedTests=false
