CREATE TABLE "gradebook_categories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"name" text NOT NULL,
	"weight" numeric(5, 2) NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gradebook_categories_weight_ck" CHECK ("gradebook_categories"."weight" BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE TABLE "gradebook_completions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gradebook_grades" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"source" text NOT NULL,
	"source_id" uuid NOT NULL,
	"score" numeric(12, 4),
	"max_score" numeric(12, 4) NOT NULL,
	"passed" boolean,
	"graded_at" timestamp with time zone NOT NULL,
	"event_id" uuid NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gradebook_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"category_id" uuid,
	"weight" numeric(8, 2) DEFAULT '1' NOT NULL,
	"points" numeric(10, 2),
	"required" boolean DEFAULT false NOT NULL,
	"excluded" boolean DEFAULT false NOT NULL,
	"passing_percent" numeric(5, 2),
	"due_at" timestamp with time zone,
	"known_max_score" numeric(12, 4),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gradebook_items_ck" CHECK ("gradebook_items"."weight" >= 0 AND ("gradebook_items"."points" IS NULL OR "gradebook_items"."points" >= 0) AND ("gradebook_items"."passing_percent" IS NULL OR "gradebook_items"."passing_percent" BETWEEN 0 AND 100))
);
--> statement-breakpoint
CREATE TABLE "gradebook_learners" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"enrollment_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"enrolled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gradebook_override_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"lesson_id" uuid,
	"action" text NOT NULL,
	"old_percent" numeric(5, 2),
	"new_percent" numeric(5, 2),
	"reason" text NOT NULL,
	"actor_id" uuid NOT NULL,
	"actor_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gradebook_overrides" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"lesson_id" uuid,
	"percent" numeric(5, 2) NOT NULL,
	"reason" text NOT NULL,
	"set_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gradebook_overrides_pct_ck" CHECK ("gradebook_overrides"."percent" BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE TABLE "gradebook_settings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"mode" text DEFAULT 'points' NOT NULL,
	"passing_percent" numeric(5, 2) DEFAULT '60' NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gradebook_settings_pass_ck" CHECK ("gradebook_settings"."passing_percent" BETWEEN 0 AND 100)
);
--> statement-breakpoint
ALTER TABLE "gradebook_items" ADD CONSTRAINT "gradebook_items_category_id_gradebook_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."gradebook_categories"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gradebook_categories_course_idx" ON "gradebook_categories" USING btree ("organization_id","course_id");--> statement-breakpoint
CREATE UNIQUE INDEX "gradebook_categories_name_uq" ON "gradebook_categories" USING btree ("course_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "gradebook_completions_uq" ON "gradebook_completions" USING btree ("course_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "gradebook_grades_lesson_user_uq" ON "gradebook_grades" USING btree ("lesson_id","user_id");--> statement-breakpoint
CREATE INDEX "gradebook_grades_course_user_idx" ON "gradebook_grades" USING btree ("organization_id","course_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "gradebook_items_lesson_uq" ON "gradebook_items" USING btree ("course_id","lesson_id");--> statement-breakpoint
CREATE UNIQUE INDEX "gradebook_learners_course_user_uq" ON "gradebook_learners" USING btree ("course_id","user_id");--> statement-breakpoint
CREATE INDEX "gradebook_learners_user_idx" ON "gradebook_learners" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "gradebook_learners_list_idx" ON "gradebook_learners" USING btree ("course_id","name","user_id");--> statement-breakpoint
CREATE INDEX "gradebook_override_log_course_idx" ON "gradebook_override_log" USING btree ("course_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "gradebook_overrides_uq" ON "gradebook_overrides" USING btree ("course_id","user_id",coalesce("lesson_id", '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
CREATE UNIQUE INDEX "gradebook_settings_course_uq" ON "gradebook_settings" USING btree ("course_id");