# Fraud model lifecycle, offline half (services/fraud-scorer/README-models.md).
FRAUD_MODEL_STORE ?= .tmp/blobs
FRAUD_CLI := $(TSX) services/fraud-scorer/src/training/cli.ts --store $(FRAUD_MODEL_STORE)

.PHONY: eval-fraud fraud-example-dataset

eval-fraud: build ## train the fraud GNN and evaluate it against a feature-only baseline (DATA=<dir> for a generic-format dataset, EPOCHS=n); last line is JSON
	@$(FRAUD_CLI) eval $(if $(DATA),--data $(DATA)) $(if $(EPOCHS),--epochs $(EPOCHS))

fraud-example-dataset: install ## write the generator's world in the generic graph format to .tmp/fraud-example (DIR=<dir> elsewhere)
	@$(FRAUD_CLI) export-synthetic $(or $(DIR),.tmp/fraud-example) $(if $(ORDERS),--orders $(ORDERS))

.PHONY: train-fraud publish-model
train-fraud: build ## train a fraud GNN version on the generator's data (or DATA=<dir>) into FRAUD_MODEL_STORE and make it latest
	@$(FRAUD_CLI) train $(if $(DATA),--data $(DATA)) $(if $(EPOCHS),--epochs $(EPOCHS))

publish-model: build ## announce a model version to running scorers: VERSION=<v> (default latest) ROLE=live|shadow
	@$(FRAUD_CLI) publish $(if $(VERSION),--version $(VERSION)) $(if $(ROLE),--role $(ROLE)) --emulator-host $(PUBSUB_EMULATOR_HOST)
