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
# umask 022: Maven's jar writer records file modes, so a stricter umask would change the jars' bytes.
MVN_CMD := mvn -B -q -Dstyle.color=never
# Files the build writes must be readable by the appliance's unprivileged user. A variable set
# for one run goes after the umask (`umask 022 && X=1 $(MVN_CMD)`), or it would only reach umask.
MVN := umask 022 && $(MVN_CMD)
export MAVEN_OPTS ?= -XX:+UseSerialGC -Xshare:auto
# The JVM decodes file names with the locale's charset: site files may have non-ASCII names.
export LC_ALL := C.UTF-8

# The appliance to configure: a folder under configs/ holding config.java.
APP ?= www
BUILD := build/$(APP)
# Keys given on the command line are passed to the config; these variables are make's own.
MAKE_VARS := SEEDS APP DEPLOY_REPO FORCE TO RUNS BENCH_PORT URL RATE DURATION USERS HOST_PORT SIM BULK_USERS THINK PAGES WARMUP P99
KEYS := $(filter-out $(addsuffix =%,$(MAKE_VARS)),$(MAKEOVERRIDES))

SOURCES := $(shell find pom.xml */pom.xml */src -type f 2>/dev/null)
JARS_STAMP := build/.jars

.PHONY: help deps jars configure build run test clean sizes bench-startup deploy rollback repro tap untap bench fuzz tcp-seeds bench-alloc

help:
	@echo "make run                 build on first use and serve htdocs-example on http://127.0.0.1:8080/"
	@echo "make configure KEY=V...  evaluate configs/\$$APP/config.java and generate its Main (APP=$(APP))"
	@echo "make build               compile, crunch htdocs and link only what the config needs"
	@echo "make test                install test dependencies and run every test"
	@echo "make deploy DEPLOY_REPO=path-or-url   commit the built artefacts to a deployment git repository (FORCE=1 from a dirty tree)"
	@echo "make rollback DEPLOY_REPO=... [TO=tag] restore the previous (or a tagged) deployment as a new commit"
	@echo "make repro               build twice from clean checkouts with different clocks and compare every artefact"
	@echo "make fuzz                Jazzer fuzzing of every parser, then a 100k-request differential test against Netty"
	@echo "make tcp-seeds           10,000 seeded TCP scenarios on a lossy, reordering simulated link"
	@echo "make bench               Morgana vs nginx on the same site (wrk on loopback): requests/s, MB/s, p50/p99"
	@echo "make sizes               standard vs specialised sizes of the default appliance (unix tarball, OCI image)"
	@echo "make bench-startup       time from start to first 200 response, with and without the AOT cache"
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

# Every test, the real-Xen boot included (CI runs this; about 15 minutes on 2 cores).
test: deps
	@umask 022 && MORGANA_XEN_TESTS=1 $(MVN_CMD) verify
	@$(MAKE) --no-print-directory load-smoke

# The default appliance built as a docker image in its own folder, then measured.
sizes: $(JARS_STAMP)
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli configure --app www --out build/sizes/www TARGET=docker >/dev/null
	@MORGANA_AOT=off $(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli build --out build/sizes/www >/dev/null
	@scripts/sizes.sh build/sizes/www

BENCH_PORT ?= 18080
RUNS ?= 10
bench-startup: $(JARS_STAMP)
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli configure --app www --out build/bench/www PORT=$(BENCH_PORT) >/dev/null
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli build --out build/bench/www
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.bench.StartupBench build/bench/www $(BENCH_PORT) $(RUNS)

deploy: build
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli deploy --out $(BUILD) --repo "$(DEPLOY_REPO)" $(if $(FORCE),--force)

rollback: $(JARS_STAMP)
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli rollback --out $(BUILD) --repo "$(DEPLOY_REPO)" $(if $(TO),--to $(TO))

repro:
	@scripts/repro.sh

# Long fuzzing runs (not in make test, which replays the fuzz tests' seeds only): Jazzer fuzzes
# one test per run, each for the duration its @FuzzTest sets; then 100k requests differential
# against Netty's decoder.
FUZZ_TESTS := http-server:RequestParserFuzzTest tcpip:FrameFuzzTest kv-ro-crunch:CrunchStoreFuzzTest kv-ro-fat:FatMountFuzzTest
fuzz: $(JARS_STAMP)
	@for t in $(FUZZ_TESTS); do \
	    echo "==> fuzzing $${t#*:} ($${t%%:*})"; \
	    umask 022 && JAZZER_FUZZ=1 $(MVN_CMD) -pl $${t%%:*} -am verify -Dtest=$${t#*:} -Dsurefire.failIfNoSpecifiedTests=false || exit 1; \
	done
	@echo "==> 100k generated requests, our parser against Netty's HttpRequestDecoder"
	@$(MVN) -pl http-server -am verify -Dtest=NettyDifferentialTest -Dmorgana.differential.count=100000 -Dsurefire.failIfNoSpecifiedTests=false

# 10,000 seeded TCP scenarios on a hostile simulated link (make test runs 1,000); a failure prints
# its seed, and -Dtcp.seed=N replays it.
SEEDS ?= 10000
tcp-seeds: $(JARS_STAMP)
	@$(MVN) -pl tcpip -am verify -Dtest=TcpPropertyTest -Dtcp.seeds=$(SEEDS) -Dsurefire.failIfNoSpecifiedTests=false

# Heap bytes allocated per request on the request path (parser, connection, site, writer).
bench-alloc: $(JARS_STAMP)
	@$(MVN) -pl http-server -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
	@$(JAVA) -cp "http-server/target/test-classes:http-server/target/classes:$$(cat http-server/target/test-classpath.txt)" dev.morgana.http.AllocationProbe

# Morgana against nginx on the same htdocs (wrk, loopback); see docs/benchmarks.md.
bench: $(JARS_STAMP)
	@scripts/bench.sh

# A TAP interface for the from-scratch stack (root): the host side is 10.0.0.1/24.
TAP ?= tap0
tap:
	ip tuntap add dev $(TAP) mode tap
	ip addr add 10.0.0.1/24 dev $(TAP)
	ip link set $(TAP) up

untap:
	ip link del $(TAP)

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

# The VM tests: VmImageTest's five boots of TARGET=xen under QEMU (make test runs them too), then the
# small kernel's image in a small guest under load (test-vm-memory, at the end of this file).
test-vm: deps $(JARS_STAMP)
	@umask 022 && $(MVN_CMD) -pl appliance -am verify -Dtest=VmImageTest -Dsurefire.failIfNoSpecifiedTests=false
	@$(MAKE) --no-print-directory test-vm-memory

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

# ---- TLS benchmark ----
.PHONY: bench-tls

# HTTPS: Morgana (TLS=on) against nginx with the same certificate: full handshakes/s and bulk MB/s.
bench-tls: $(JARS_STAMP)
	@scripts/bench-tls.sh

# ---- TCP over a lossy link, 100 MB (make test runs the same matrix with 4 MiB) ----
.PHONY: test-netem
NETEM_BYTES ?= 100000000
# Six 100 MB transfers at once between the from-scratch TCP and Linux over TAP (root), at 1 % and
# 5 % loss with 20 ms delay, SHA-256 checked; a failing transfer keeps its pcap in tcpip/target/pcap/.
test-netem: deps
	@$(MVN) -pl tcpip -am verify -Dtest=LossyLinkTransferTest -Dnetem.bytes=$(NETEM_BYTES) -Dsurefire.failIfNoSpecifiedTests=false

# ---- NET=direct against NET=socket ----
.PHONY: bench-direct
# wrk against the www appliance with NET=direct over a TAP and with NET=socket in a namespace over
# a veth pair, in one run (root); see docs/benchmarks.md.
bench-direct: $(JARS_STAMP)
	@scripts/bench-direct.sh

# ---- load capacity with NET=direct ----
.PHONY: load-capacity-direct
# As load-capacity, against the appliance with NET=direct on a TAP device the script creates (root).
load-capacity-direct: $(JARS_STAMP)
	@LOAD_NET=direct $(LOAD) capacity

# ---- real Xen ----
.PHONY: test-xen

# TARGET=xen on the real Xen 4.17 hypervisor nested in QEMU: a dom0 built from Debian packages runs
# `xl create` of the image's own xl config, fetches every site file over netfront, then `xl
# shutdown` (docs/xen.md). Several minutes on 2 cores; make test runs it too.
test-xen: deps $(JARS_STAMP)
	@umask 022 && MORGANA_XEN_TESTS=1 $(MVN_CMD) -pl appliance -am verify -Dtest=XenHypervisorTest -Dsurefire.failIfNoSpecifiedTests=false

# ---- TLS handshake CPU ----
.PHONY: bench-tls-handshake
# The server's CPU time per full TLS 1.3 handshake (ECDSA P-256, X25519), in process against an
# in-memory client: robust to other processes' load, unlike bench-tls's rates (docs/benchmarks.md).
bench-tls-handshake:
	@scripts/bench-tls.sh handshake-cpu

# ---- small VM kernel and a guest under load with little memory ----
.PHONY: vm-kernel test-vm-memory
VM_MEMORY ?=
VM_LOAD_SECONDS ?= 180

# Morgana's small kernel (KERNEL=small, or MORGANA_KERNEL=small for make build): Debian's
# linux-source-6.1 with xen-runtime's config fragment, built once into build/xen-kernel/small-HASH
# (10 to 30 minutes on 2 cores; as root it installs the source and build tools from Debian).
vm-kernel: $(JARS_STAMP)
	@$(JAVA) -cp xen-runtime/target/classes dev.morgana.xen.image.SmallKernel build/xen-kernel

# The www appliance as a VM image with the small kernel (NET=direct, DHCP), booted under QEMU with
# VM_MEMORY MB (default: the image's own, 96 with JVM=small, else 112) and served to 8 clients for
# VM_LOAD_SECONDS, every body compared byte for byte.
test-vm-memory: deps vm-kernel
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli configure --app www --out build/vm-memory/www \
	    TARGET=xen PORT=80 NET=direct DHCP=true >/dev/null
	@MORGANA_KERNEL=small $(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli build --out build/vm-memory/www
	@MEMORY=$(VM_MEMORY) xen-runtime/src/test/vm/serve-under-load.sh build/vm-memory/www-xen \
	    htdocs-example/target/htdocs $(VM_LOAD_SECONDS)

# ---- start-up over HTTPS ----
.PHONY: bench-startup-tls
# As bench-startup, for the first 200 over HTTPS: the www appliance with TLS=on (its development
# certificate), HTTPS on BENCH_PORT + 1; each poll is a TLS handshake trusting that certificate.
bench-startup-tls: $(JARS_STAMP)
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli configure --app www --out build/bench-tls/www \
	    PORT=$(BENCH_PORT) TLS=on TLS_PORT=$$(($(BENCH_PORT) + 1)) >/dev/null
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli build --out build/bench-tls/www
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.bench.StartupBench build/bench-tls/www \
	    $$(($(BENCH_PORT) + 1)) $(RUNS) --tls

# The www appliance as a NET=direct VM image (DHCP) under QEMU's user-mode network, 8 clients
# each opening a new TCP connection per request for VM_LOAD_SECONDS, every body compared byte for
# byte; the guest's frames are captured in build/vm-newconn/run/guest.pcap (tcpip/README.md).
.PHONY: test-vm-new-connections
test-vm-new-connections: deps $(JARS_STAMP)
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli configure --app www --out build/vm-newconn/www \
	    TARGET=xen PORT=80 NET=direct DHCP=true >/dev/null
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.Cli build --out build/vm-newconn/www
	@rm -rf build/vm-newconn/run
	@tcpip/src/test/vm/new-connection-per-request.sh build/vm-newconn/www-xen htdocs-example/target/htdocs \
	    $(VM_LOAD_SECONDS) build/vm-newconn/run

# ---- small JVM (JVM=small, or MORGANA_JVM=small for make build) ----
.PHONY: small-jvm test-small-jvm bench-small-jvm
SMALL_JVM_VARIANT ?= minimal

# Morgana's small JDK: HotSpot with C1, the serial collector and CDS only, plus the jmods of
# java.base and jdk.unsupported, built from Debian's OpenJDK source package once into
# build/small-jdk/VARIANT-HASH (MORGANA_SMALL_JDK_CACHE overrides the folder). 20 to 60 minutes
# on 2 cores; as root it installs the build tools from Debian. SMALL_JVM_VARIANT=c2 keeps C2.
small-jvm: $(JARS_STAMP)
	@$(JAVA) -cp "$(APPLIANCE_CP)" dev.morgana.appliance.packaging.SmallJdk \
	    $${MORGANA_SMALL_JDK_CACHE:-build/small-jdk} $(SMALL_JVM_VARIANT)

# The appliance tests on the small JVM: the unix artefact with every JDK hidden, the OCI image
# under podman, TLS, the direct stack, and the small runtime's own checks (AOT cache, no G1).
# Not part of `make test`: CI cannot build a JDK within its time budget.
test-small-jvm: deps small-jvm
	@umask 022 && MORGANA_JVM=small $(MVN_CMD) -pl appliance -am verify \
	    -Dtest='SmallJvmApplianceTest,UnixArtefactTest,OciImageTest,TlsApplianceTest,DirectStackApplianceTest' \
	    -Dsurefire.failIfNoSpecifiedTests=false

# HTTP requests/s and server CPU per request of the www appliance on the build JDK's VM against
# the small VM, both built and running at once, measured in turn with wrk (docs/benchmarks.md).
bench-small-jvm: $(JARS_STAMP) small-jvm
	@appliance/jdk/bench-jvm.sh
