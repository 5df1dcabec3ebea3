.PHONY: ops

ops: build ## the ops command line: make ops ARGS="dlq inspect order-placed.fraud-scorer" (project local, emulator at PUBSUB_EMULATOR_HOST)
	GOOGLE_CLOUD_PROJECT=$${GOOGLE_CLOUD_PROJECT:-local} PUBSUB_EMULATOR_HOST=$(PUBSUB_EMULATOR_HOST) node packages/ops/dist/bin.js $(ARGS)
