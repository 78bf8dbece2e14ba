CREATE TABLE "dissection_jobs" (
	"run_id" integer NOT NULL,
	"queue" text NOT NULL,
	"job_id" text NOT NULL,
	CONSTRAINT "dissection_jobs_run_id_queue_job_id_pk" PRIMARY KEY("run_id","queue","job_id")
);
--> statement-breakpoint
CREATE TABLE "dissection_shards" (
	"run_id" integer NOT NULL,
	"shard" integer NOT NULL,
	"start" integer NOT NULL,
	"stop" integer NOT NULL,
	"worker" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"done" boolean DEFAULT false NOT NULL,
	"error" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "dissection_shards_run_id_shard_pk" PRIMARY KEY("run_id","shard")
);
--> statement-breakpoint
CREATE TABLE "queued_dissections" (
	"run_id" integer PRIMARY KEY NOT NULL,
	"spec" jsonb NOT NULL,
	"images" integer NOT NULL,
	"shards_total" integer NOT NULL,
	"layers_total" integer NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dissection_jobs" ADD CONSTRAINT "dissection_jobs_run_id_queued_dissections_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."queued_dissections"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dissection_shards" ADD CONSTRAINT "dissection_shards_run_id_queued_dissections_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."queued_dissections"("run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queued_dissections" ADD CONSTRAINT "queued_dissections_run_id_dissection_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dissection_runs"("id") ON DELETE cascade ON UPDATE no action;