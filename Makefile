# Thin wrapper over meson/ninja. See README.md.
#   make          build (build/)
#   make check    unit tests, world tests (root), unit tests again under
#                 ASan+UBSan (build-asan/) and under valgrind, fuzz targets
#                 briefly (build-fuzz/)
#   make demo     the narrated demo world, then a download surviving the loss
#                 of a network (scenario 3.4-1n, live) (root)
#   make demo-mobility  a download surviving the loss of networks (root)
#   make scenarios the problem statement's section 4, plain host vs mif (root;
#                 tests/scenarios, build/scenarios.md)
#   make install  install mifd, mifctl, libmif, the systemd unit, man pages
#                 (DESTDIR=... for a staging root)
#   make bench    benchmarks (root), see bench/README.md
#   make fuzz-long  the fuzzing campaign (every target, 10 million runs,
#                 nice 19; figures into doc/reliability.md)
#   make fuzz-cov   line/function coverage of each parser by its fuzz corpus
#                 (llvm-cov; table into doc/reliability.md)
#   make soak     the soak and fault suite (root, long; not in CI; figures
#                 into doc/reliability.md)

BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps check demo demo-mobility install bench clean scenarios fuzz-long soak fuzz-cov

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@./scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

check: all
	./scripts/check.sh

demo: all
	./scripts/demo.sh

demo-mobility: all
	./scripts/demo-mobility.sh

scenarios: all
	./tests/scenarios/run.sh

bench: all
	./bench/run.sh

fuzz-long:
	./scripts/fuzz-long.sh

fuzz-cov:
	./scripts/fuzz-cov.sh

soak: all
	./scripts/soak.sh

install: all
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir "$(DESTDIR)")

clean:
	rm -rf build build-asan build-fuzz build-fuzzcov build-analyzer
