CREATE TABLE "course_geo_rules" (
	"course_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"allow" text[] DEFAULT '{}'::text[] NOT NULL,
	"deny" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "playback_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"video_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"access" text NOT NULL,
	"country" text,
	"last_heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"watched_seconds" real DEFAULT 0 NOT NULL,
	"position" real DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "playback_sessions_watched_ck" CHECK ("playback_sessions"."watched_seconds" >= 0)
);
--> statement-breakpoint
CREATE TABLE "video_watch_progress" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"video_id" uuid NOT NULL,
	"total_seconds" integer NOT NULL,
	"watched" "bytea" NOT NULL,
	"distinct_seconds" integer DEFAULT 0 NOT NULL,
	"position" real DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "video_watch_progress_seconds_ck" CHECK ("video_watch_progress"."distinct_seconds" >= 0 and "video_watch_progress"."distinct_seconds" <= "video_watch_progress"."total_seconds")
);
--> statement-breakpoint
ALTER TABLE "playback_sessions" ADD CONSTRAINT "playback_sessions_video_id_videos_id_fk" FOREIGN KEY ("video_id") REFERENCES "public"."videos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "video_watch_progress" ADD CONSTRAINT "video_watch_progress_video_id_videos_id_fk" FOREIGN KEY ("video_id") REFERENCES "public"."videos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "playback_sessions_user_live_idx" ON "playback_sessions" USING btree ("user_id","last_heartbeat_at") WHERE "playback_sessions"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "playback_sessions_video_idx" ON "playback_sessions" USING btree ("video_id");--> statement-breakpoint
CREATE UNIQUE INDEX "video_watch_progress_user_video_uq" ON "video_watch_progress" USING btree ("user_id","video_id");--> statement-breakpoint
CREATE INDEX "video_watch_progress_video_idx" ON "video_watch_progress" USING btree ("video_id");