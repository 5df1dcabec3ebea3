# Creative studio targets (included by the root Makefile).
.PHONY: eval-recs

eval-recs: build ## creative studio: recommender MAP@12/recall@12 vs popularity, last 7 days held out; DATA=<dir with interactions.csv> or a generated log (SEED=, SHOPPERS=, DAYS=); last line is JSON
	$(TSX) services/creative-studio/src/tools/eval-recs.ts $(if $(DATA),--data $(DATA)) $(if $(SEED),--seed $(SEED)) $(if $(SHOPPERS),--shoppers $(SHOPPERS)) $(if $(DAYS),--days $(DAYS)) $(if $(HOLDOUT_DAYS),--holdout-days $(HOLDOUT_DAYS)) $(if $(WRITE),--write $(WRITE))
