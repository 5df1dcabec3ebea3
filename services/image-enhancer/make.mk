# Image enhancer targets (included by the root Makefile).
.PHONY: bench-images eval-images image-backfill

bench-images: build ## image enhancer: whole service on the emulator vs the bare pipeline; last line is JSON (IMAGES=40)
	$(TSX) services/image-enhancer/src/tools/bench-images.ts $(if $(IMAGES),--images $(IMAGES)) $(if $(CONCURRENCY),--concurrency $(CONCURRENCY))

eval-images: build ## image enhancer: PSNR gain per known degradation; DATA=<dir of clean photos> or generated ones (IMAGES=40)
	$(TSX) services/image-enhancer/src/tools/eval-images.ts $(if $(DATA),--data $(DATA)) $(if $(IMAGES),--images $(IMAGES))

image-backfill: build ## image enhancer: announce an existing bucket (BUCKET=, PREFIX=, RATE=, DRY_RUN=1); resumable
	$(TSX) services/image-enhancer/src/tools/backfill.ts --bucket $(BUCKET) $(if $(PREFIX),--prefix $(PREFIX)) $(if $(RATE),--rate $(RATE)) $(if $(DRY_RUN),--dry-run) $(if $(PUBSUB_EMULATOR_HOST),--emulator-host $(PUBSUB_EMULATOR_HOST))
