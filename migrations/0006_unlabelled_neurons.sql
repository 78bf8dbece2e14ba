CREATE TABLE "unlabelled_neurons" (
	"run_id" integer NOT NULL,
	"neuron_id" integer NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "unlabelled_neurons_run_id_neuron_id_pk" PRIMARY KEY("run_id","neuron_id")
);
--> statement-breakpoint
ALTER TABLE "unlabelled_neurons" ADD CONSTRAINT "unlabelled_neurons_run_id_dissection_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dissection_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unlabelled_neurons" ADD CONSTRAINT "unlabelled_neurons_neuron_id_neurons_id_fk" FOREIGN KEY ("neuron_id") REFERENCES "public"."neurons"("id") ON DELETE cascade ON UPDATE no action;