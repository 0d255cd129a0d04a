ALTER TABLE "videos" ADD COLUMN "output_keys" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "pending_output" jsonb;