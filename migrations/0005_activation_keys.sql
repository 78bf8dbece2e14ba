ALTER TABLE "activations" ADD COLUMN "activation_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "dissection_runs" ADD COLUMN "activation_key" text;