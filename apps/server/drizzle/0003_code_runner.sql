CREATE TABLE "code_exercises" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"language" text NOT NULL,
	"instructions" text DEFAULT '' NOT NULL,
	"starter_code" text DEFAULT '' NOT NULL,
	"time_limit_ms" integer DEFAULT 2000 NOT NULL,
	"memory_limit_mb" integer DEFAULT 256 NOT NULL,
	"compare_mode" text DEFAULT 'trim_trailing' NOT NULL,
	"updated_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "code_exercises_limits_ck" CHECK ("code_exercises"."time_limit_ms" BETWEEN 100 AND 10000 AND "code_exercises"."memory_limit_mb" BETWEEN 16 AND 1024)
);
--> statement-breakpoint
CREATE TABLE "code_submissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"exercise_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"language" text NOT NULL,
	"code" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"verdict" text,
	"score" integer,
	"max_score" integer,
	"compile_output" text,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "code_test_cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"exercise_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"stdin" text DEFAULT '' NOT NULL,
	"expected_stdout" text NOT NULL,
	"hidden" boolean DEFAULT false NOT NULL,
	"points" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "code_test_cases_points_ck" CHECK ("code_test_cases"."points" >= 0)
);
--> statement-breakpoint
ALTER TABLE "code_submissions" ADD CONSTRAINT "code_submissions_exercise_id_code_exercises_id_fk" FOREIGN KEY ("exercise_id") REFERENCES "public"."code_exercises"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "code_test_cases" ADD CONSTRAINT "code_test_cases_exercise_id_code_exercises_id_fk" FOREIGN KEY ("exercise_id") REFERENCES "public"."code_exercises"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "code_exercises_lesson_uq" ON "code_exercises" USING btree ("lesson_id");--> statement-breakpoint
CREATE INDEX "code_exercises_org_course_idx" ON "code_exercises" USING btree ("organization_id","course_id");--> statement-breakpoint
CREATE INDEX "code_submissions_lesson_user_idx" ON "code_submissions" USING btree ("lesson_id","user_id","id");--> statement-breakpoint
CREATE INDEX "code_submissions_user_created_idx" ON "code_submissions" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "code_submissions_org_course_idx" ON "code_submissions" USING btree ("organization_id","course_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "code_test_cases_position_uq" ON "code_test_cases" USING btree ("exercise_id","position");