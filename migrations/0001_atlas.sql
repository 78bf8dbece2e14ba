CREATE TABLE "activations" (
	"model_id" integer NOT NULL,
	"layer_id" integer NOT NULL,
	"probe_set_id" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"units" integer NOT NULL,
	"values" "bytea" NOT NULL,
	CONSTRAINT "activations_layer_id_probe_set_id_ordinal_pk" PRIMARY KEY("layer_id","probe_set_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "atlas_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clip_models" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"dim" integer NOT NULL,
	"source" text,
	CONSTRAINT "clip_models_name_uq" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "concept_embeddings" (
	"clip_model_id" integer NOT NULL,
	"concept_id" integer NOT NULL,
	"embedding" vector NOT NULL,
	CONSTRAINT "concept_embeddings_clip_model_id_concept_id_pk" PRIMARY KEY("clip_model_id","concept_id")
);
--> statement-breakpoint
CREATE TABLE "concept_set_members" (
	"concept_set_id" integer NOT NULL,
	"position" integer NOT NULL,
	"concept_id" integer NOT NULL,
	CONSTRAINT "concept_set_members_concept_set_id_position_pk" PRIMARY KEY("concept_set_id","position")
);
--> statement-breakpoint
CREATE TABLE "concept_sets" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"content_hash" text NOT NULL,
	"size" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "concepts" (
	"id" serial PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "concepts_text_uq" UNIQUE("text")
);
--> statement-breakpoint
CREATE TABLE "dissection_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_id" integer NOT NULL,
	"clip_model_id" integer,
	"probe_set_id" integer,
	"concept_set_id" integer,
	"method" text NOT NULL,
	"similarity" text,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"pool" text,
	"device" text,
	"status" text DEFAULT 'running' NOT NULL,
	"timings" jsonb,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "image_embeddings" (
	"clip_model_id" integer NOT NULL,
	"probe_set_id" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"embedding" vector NOT NULL,
	CONSTRAINT "image_embeddings_clip_model_id_probe_set_id_ordinal_pk" PRIMARY KEY("clip_model_id","probe_set_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "layers" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_id" integer NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"units" integer NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "neuron_labels" (
	"run_id" integer NOT NULL,
	"neuron_id" integer NOT NULL,
	"rank" integer NOT NULL,
	"concept_id" integer NOT NULL,
	"text" text NOT NULL,
	"score" double precision NOT NULL,
	CONSTRAINT "neuron_labels_run_id_neuron_id_rank_pk" PRIMARY KEY("run_id","neuron_id","rank")
);
--> statement-breakpoint
CREATE TABLE "neuron_top_images" (
	"run_id" integer NOT NULL,
	"neuron_id" integer NOT NULL,
	"rank" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"activation" real NOT NULL,
	CONSTRAINT "neuron_top_images_run_id_neuron_id_rank_pk" PRIMARY KEY("run_id","neuron_id","rank")
);
--> statement-breakpoint
CREATE TABLE "neurons" (
	"id" serial PRIMARY KEY NOT NULL,
	"layer_id" integer NOT NULL,
	"unit" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "probe_images" (
	"probe_set_id" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"uri" text NOT NULL,
	CONSTRAINT "probe_images_probe_set_id_ordinal_pk" PRIMARY KEY("probe_set_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "probe_sets" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"recipe" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"size" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_layers" (
	"run_id" integer NOT NULL,
	"layer_id" integer NOT NULL,
	"written_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_layers_run_id_layer_id_pk" PRIMARY KEY("run_id","layer_id")
);
--> statement-breakpoint
CREATE TABLE "target_models" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"version" text NOT NULL,
	"file_hash" text NOT NULL,
	"input_spec" jsonb NOT NULL,
	"source" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activations" ADD CONSTRAINT "activations_model_id_target_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."target_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activations" ADD CONSTRAINT "activations_layer_id_layers_id_fk" FOREIGN KEY ("layer_id") REFERENCES "public"."layers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activations" ADD CONSTRAINT "activations_probe_set_id_ordinal_probe_images_probe_set_id_ordinal_fk" FOREIGN KEY ("probe_set_id","ordinal") REFERENCES "public"."probe_images"("probe_set_id","ordinal") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "concept_embeddings" ADD CONSTRAINT "concept_embeddings_clip_model_id_clip_models_id_fk" FOREIGN KEY ("clip_model_id") REFERENCES "public"."clip_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "concept_embeddings" ADD CONSTRAINT "concept_embeddings_concept_id_concepts_id_fk" FOREIGN KEY ("concept_id") REFERENCES "public"."concepts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "concept_set_members" ADD CONSTRAINT "concept_set_members_concept_set_id_concept_sets_id_fk" FOREIGN KEY ("concept_set_id") REFERENCES "public"."concept_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "concept_set_members" ADD CONSTRAINT "concept_set_members_concept_id_concepts_id_fk" FOREIGN KEY ("concept_id") REFERENCES "public"."concepts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dissection_runs" ADD CONSTRAINT "dissection_runs_model_id_target_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."target_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dissection_runs" ADD CONSTRAINT "dissection_runs_clip_model_id_clip_models_id_fk" FOREIGN KEY ("clip_model_id") REFERENCES "public"."clip_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dissection_runs" ADD CONSTRAINT "dissection_runs_probe_set_id_probe_sets_id_fk" FOREIGN KEY ("probe_set_id") REFERENCES "public"."probe_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dissection_runs" ADD CONSTRAINT "dissection_runs_concept_set_id_concept_sets_id_fk" FOREIGN KEY ("concept_set_id") REFERENCES "public"."concept_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "image_embeddings" ADD CONSTRAINT "image_embeddings_clip_model_id_clip_models_id_fk" FOREIGN KEY ("clip_model_id") REFERENCES "public"."clip_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "image_embeddings" ADD CONSTRAINT "image_embeddings_probe_set_id_ordinal_probe_images_probe_set_id_ordinal_fk" FOREIGN KEY ("probe_set_id","ordinal") REFERENCES "public"."probe_images"("probe_set_id","ordinal") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "layers" ADD CONSTRAINT "layers_model_id_target_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."target_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_labels" ADD CONSTRAINT "neuron_labels_run_id_dissection_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dissection_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_labels" ADD CONSTRAINT "neuron_labels_neuron_id_neurons_id_fk" FOREIGN KEY ("neuron_id") REFERENCES "public"."neurons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_labels" ADD CONSTRAINT "neuron_labels_concept_id_concepts_id_fk" FOREIGN KEY ("concept_id") REFERENCES "public"."concepts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_top_images" ADD CONSTRAINT "neuron_top_images_run_id_dissection_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dissection_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neuron_top_images" ADD CONSTRAINT "neuron_top_images_neuron_id_neurons_id_fk" FOREIGN KEY ("neuron_id") REFERENCES "public"."neurons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "neurons" ADD CONSTRAINT "neurons_layer_id_layers_id_fk" FOREIGN KEY ("layer_id") REFERENCES "public"."layers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "probe_images" ADD CONSTRAINT "probe_images_probe_set_id_probe_sets_id_fk" FOREIGN KEY ("probe_set_id") REFERENCES "public"."probe_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_layers" ADD CONSTRAINT "run_layers_run_id_dissection_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dissection_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_layers" ADD CONSTRAINT "run_layers_layer_id_layers_id_fk" FOREIGN KEY ("layer_id") REFERENCES "public"."layers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "concept_sets_name_hash_uq" ON "concept_sets" USING btree ("name","content_hash");--> statement-breakpoint
CREATE INDEX "dissection_runs_model_status_idx" ON "dissection_runs" USING btree ("model_id","status","finished_at");--> statement-breakpoint
CREATE INDEX "dissection_runs_status_idx" ON "dissection_runs" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "layers_model_name_uq" ON "layers" USING btree ("model_id","name");--> statement-breakpoint
CREATE INDEX "neuron_labels_neuron_idx" ON "neuron_labels" USING btree ("neuron_id");--> statement-breakpoint
CREATE UNIQUE INDEX "neurons_layer_unit_uq" ON "neurons" USING btree ("layer_id","unit");--> statement-breakpoint
CREATE UNIQUE INDEX "probe_sets_name_hash_uq" ON "probe_sets" USING btree ("name","content_hash");--> statement-breakpoint
CREATE INDEX "run_layers_layer_idx" ON "run_layers" USING btree ("layer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "target_models_name_version_uq" ON "target_models" USING btree ("name","version");