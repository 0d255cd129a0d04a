CREATE TABLE "media_assets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'stored' NOT NULL,
	"filename" text NOT NULL,
	"title" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"storage_key" text NOT NULL,
	"sha256" text,
	"variants" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"upload_id" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_assets_size_ck" CHECK ("media_assets"."size_bytes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "media_attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"role" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media_quotas" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"limit_bytes" bigint,
	"used_bytes" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "video_captions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"video_id" uuid NOT NULL,
	"language" text NOT NULL,
	"label" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"vtt" text NOT NULL,
	"updated_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "videos" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"status" text DEFAULT 'uploaded' NOT NULL,
	"progress" real DEFAULT 0 NOT NULL,
	"failure_reason" text,
	"probe" jsonb,
	"output" jsonb,
	"duration_seconds" real,
	"encrypted" boolean DEFAULT false NOT NULL,
	"encryption_key" "bytea",
	"priority" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"ready_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "videos_progress_ck" CHECK ("videos"."progress" >= 0 and "videos"."progress" <= 100)
);
--> statement-breakpoint
ALTER TABLE "media_attachments" ADD CONSTRAINT "media_attachments_asset_id_media_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."media_assets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "video_captions" ADD CONSTRAINT "video_captions_video_id_videos_id_fk" FOREIGN KEY ("video_id") REFERENCES "public"."videos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "videos" ADD CONSTRAINT "videos_asset_id_media_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."media_assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_assets_org_idx" ON "media_assets" USING btree ("organization_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "media_assets_upload_uq" ON "media_assets" USING btree ("upload_id");--> statement-breakpoint
CREATE INDEX "media_assets_search_idx" ON "media_assets" USING gin (to_tsvector('simple', "title" || ' ' || "filename"));--> statement-breakpoint
CREATE UNIQUE INDEX "media_attachments_lesson_role_uq" ON "media_attachments" USING btree ("lesson_id","role");--> statement-breakpoint
CREATE INDEX "media_attachments_asset_idx" ON "media_attachments" USING btree ("asset_id");--> statement-breakpoint
CREATE UNIQUE INDEX "video_captions_lang_uq" ON "video_captions" USING btree ("video_id","language");--> statement-breakpoint
CREATE UNIQUE INDEX "videos_asset_uq" ON "videos" USING btree ("asset_id");--> statement-breakpoint
CREATE INDEX "videos_org_idx" ON "videos" USING btree ("organization_id","id");