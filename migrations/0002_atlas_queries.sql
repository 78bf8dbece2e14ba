CREATE TABLE "neuron_search" (
	"clip_model_id" integer NOT NULL,
	"neuron_id" integer NOT NULL,
	"run_id" integer NOT NULL,
	"layer_id" integer NOT NULL,
	"model_id" integer NOT NULL,
	"concept_id" integer NOT NULL,
	"score" double precision NOT NULL,
	"embedding" vector NOT NULL,
	CONSTRAINT "neuron_search_clip_model_id_neuron_id_pk" PRIMARY KEY("clip_model_id","neuron_id")
);
--> statement-breakpoint
CREATE TABLE "neuron_search_layers" (
	"clip_model_id" integer NOT NULL,
	"layer_id" integer NOT NULL,
	"run_id" integer NOT NULL,
	CONSTRAINT "neuron_search_layers_clip_model_id_layer_id_pk" PRIMARY KEY("clip_model_id","layer_id")
);
--> statement-breakpoint
CREATE TABLE "query_embeddings" (
	"clip_model_id" integer NOT NULL,
	"query" text NOT NULL,
	"embedding" vector NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "query_embeddings_clip_model_id_query_pk" PRIMARY KEY("clip_model_id","query")
);
--> statement-breakpoint
ALTER TABLE "neuron_search" ADD CONSTRAINT "neuron_search_clip_model_id_clip_models_id_fk" FOREIGN KEY ("clip_model_id") REFERENCES "public"."clip_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_search" ADD CONSTRAINT "neuron_search_neuron_id_neurons_id_fk" FOREIGN KEY ("neuron_id") REFERENCES "public"."neurons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_search" ADD CONSTRAINT "neuron_search_run_id_dissection_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dissection_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_search_layers" ADD CONSTRAINT "neuron_search_layers_clip_model_id_clip_models_id_fk" FOREIGN KEY ("clip_model_id") REFERENCES "public"."clip_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_search_layers" ADD CONSTRAINT "neuron_search_layers_layer_id_layers_id_fk" FOREIGN KEY ("layer_id") REFERENCES "public"."layers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_search_layers" ADD CONSTRAINT "neuron_search_layers_run_id_dissection_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dissection_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "query_embeddings" ADD CONSTRAINT "query_embeddings_clip_model_id_clip_models_id_fk" FOREIGN KEY ("clip_model_id") REFERENCES "public"."clip_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "neuron_search_layer_idx" ON "neuron_search" USING btree ("clip_model_id","layer_id");--> statement-breakpoint
CREATE INDEX "neuron_search_model_idx" ON "neuron_search" USING btree ("clip_model_id","model_id");