.PHONY: event-archiver bench-replay

event-archiver: build ## run the event archiver against PUBSUB_EMULATOR_HOST (project local, archive in .data/blobs)
	GOOGLE_CLOUD_PROJECT=$${GOOGLE_CLOUD_PROJECT:-local} PUBSUB_EMULATOR_HOST=$(PUBSUB_EMULATOR_HOST) PORT=$${PORT:-8090} node services/event-archiver/dist/server.js

bench-replay: build ## archive then replay 100,000 events on a fresh emulator, against the raw publish rate; last line is JSON
	$(TSX) services/event-archiver/src/bench/replay-bench.ts $(if $(MESSAGES),--messages $(MESSAGES))
