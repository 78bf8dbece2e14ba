CREATE TABLE "label_search" (
	"clip_model_id" integer NOT NULL,
	"concept_id" integer NOT NULL,
	"embedding" vector NOT NULL,
	CONSTRAINT "label_search_clip_model_id_concept_id_pk" PRIMARY KEY("clip_model_id","concept_id")
);
--> statement-breakpoint
ALTER TABLE "label_search" ADD CONSTRAINT "label_search_clip_model_id_clip_models_id_fk" FOREIGN KEY ("clip_model_id") REFERENCES "public"."clip_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "label_search" ADD CONSTRAINT "label_search_concept_id_concepts_id_fk" FOREIGN KEY ("concept_id") REFERENCES "public"."concepts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "neuron_search_concept_idx" ON "neuron_search" USING btree ("clip_model_id","concept_id");--> statement-breakpoint
ALTER TABLE "neuron_search" DROP COLUMN "embedding";--> statement-breakpoint
-- Rebuild the search index in the new layout on the next search.
DELETE FROM "neuron_search_layers";
