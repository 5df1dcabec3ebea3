# Fraud model lifecycle, offline half (services/fraud-scorer/README-models.md).
FRAUD_MODEL_STORE ?= .tmp/blobs
FRAUD_CLI := $(TSX) services/fraud-scorer/src/training/cli.ts --store $(FRAUD_MODEL_STORE)

.PHONY: eval-fraud fraud-example-dataset

eval-fraud: build ## train the fraud GNN and evaluate it against a feature-only baseline (DATA=<dir> for a generic-format dataset, EPOCHS=n); last line is JSON
	@$(FRAUD_CLI) eval $(if $(DATA),--data $(DATA)) $(if $(EPOCHS),--epochs $(EPOCHS))

fraud-example-dataset: install ## write the generator's world in the generic graph format to .tmp/fraud-example (DIR=<dir> elsewhere)
	@$(FRAUD_CLI) export-synthetic $(or $(DIR),.tmp/fraud-example) $(if $(ORDERS),--orders $(ORDERS))
