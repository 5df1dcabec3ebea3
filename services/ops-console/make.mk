.PHONY: ops-console

ops-console: build ## the ops console on http://127.0.0.1:8095 against PUBSUB_EMULATOR_HOST (needs OPS_CONSOLE_TOKEN)
	GOOGLE_CLOUD_PROJECT=$${GOOGLE_CLOUD_PROJECT:-local} PUBSUB_EMULATOR_HOST=$(PUBSUB_EMULATOR_HOST) PORT=$${PORT:-8095} HOST=$${HOST:-127.0.0.1} node services/ops-console/dist/server.js
