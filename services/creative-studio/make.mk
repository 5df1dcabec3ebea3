# Creative studio targets (included by the root Makefile).
.PHONY: eval-recs

eval-recs: build ## creative studio: recommender MAP@12/recall@12 vs popularity, last 7 days held out; DATA=<dir with interactions.csv> or a generated log (SEED=, SHOPPERS=, DAYS=); last line is JSON
	$(TSX) services/creative-studio/src/tools/eval-recs.ts $(if $(DATA),--data $(DATA)) $(if $(SEED),--seed $(SEED)) $(if $(SHOPPERS),--shoppers $(SHOPPERS)) $(if $(DAYS),--days $(DAYS)) $(if $(HOLDOUT_DAYS),--holdout-days $(HOLDOUT_DAYS)) $(if $(WRITE),--write $(WRITE))

# Creative studio: benchmark and the marketer's campaign request.
.PHONY: bench-lookbooks campaign

bench-lookbooks: build ## creative studio: a campaign of SHOPPERS= (200) shoppers end to end on its own emulator, local provider; last line is JSON
	$(TSX) services/creative-studio/src/tools/bench-lookbooks.ts --shoppers $(or $(SHOPPERS),200) $(if $(BATCH_SIZE),--batch-size $(BATCH_SIZE)) $(if $(CONCURRENCY),--concurrency $(CONCURRENCY))

campaign: install ## creative studio: request a campaign (ID=, THEME=, SEGMENT='topCategory in shoes,bottoms' or SHOPPERS_FILE=, LIMIT=, LOCALE=, FORMATS=image,video, BUDGET='500 SEK')
	$(TSX) services/creative-studio/src/tools/request-campaign.ts --id $(ID) $(if $(NAME),--name "$(NAME)") $(if $(THEME),--theme "$(THEME)") $(if $(BRIEF),--brief "$(BRIEF)") $(if $(SEGMENT),--segment "$(SEGMENT)") $(if $(SHOPPERS_FILE),--shoppers-file $(SHOPPERS_FILE)) $(if $(LIMIT),--limit $(LIMIT)) $(if $(LOCALE),--locale $(LOCALE)) $(if $(FORMATS),--formats $(FORMATS)) $(if $(BUDGET),--budget "$(BUDGET)") $(if $(PUBSUB_EMULATOR_HOST),--emulator-host $(PUBSUB_EMULATOR_HOST)) $(if $(PROJECT),--project $(PROJECT))
