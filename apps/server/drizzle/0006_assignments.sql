CREATE TABLE "assignment_comments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"submission_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"anchor" text NOT NULL,
	"range_start" integer,
	"range_end" integer,
	"quote" text,
	"file_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignment_files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"assignment_id" uuid NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"storage_key" text NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignment_group_members" (
	"group_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assignment_group_members_group_id_user_id_pk" PRIMARY KEY("group_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "assignment_groups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignment_peer_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"submission_id" uuid NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"selections" jsonb,
	"score" double precision,
	"comment" text DEFAULT '' NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "assignment_submissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"assignment_id" uuid NOT NULL,
	"user_id" uuid,
	"group_id" uuid,
	"anon_number" integer NOT NULL,
	"version_count" integer DEFAULT 0 NOT NULL,
	"last_submitted_at" timestamp with time zone,
	"selections" jsonb,
	"raw_score" double precision,
	"graded_version" integer,
	"graded_by" uuid,
	"graded_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assignment_submissions_owner_ck" CHECK (("assignment_submissions"."user_id" IS NULL) <> ("assignment_submissions"."group_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "assignment_version_files" (
	"version_id" uuid NOT NULL,
	"file_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "assignment_version_files_version_id_file_id_pk" PRIMARY KEY("version_id","file_id")
);
--> statement-breakpoint
CREATE TABLE "assignment_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"submission_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"days_late" integer DEFAULT 0 NOT NULL,
	"penalty_percent" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"instructions" text DEFAULT '' NOT NULL,
	"due_at" timestamp with time zone,
	"late_penalty_per_day" integer DEFAULT 0 NOT NULL,
	"cutoff_at" timestamp with time zone,
	"allow_text" boolean DEFAULT true NOT NULL,
	"allowed_file_types" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"max_file_bytes" integer DEFAULT 10485760 NOT NULL,
	"max_files" integer DEFAULT 0 NOT NULL,
	"mode" text DEFAULT 'individual' NOT NULL,
	"points_possible" integer NOT NULL,
	"rubric" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"anonymous_grading" boolean DEFAULT false NOT NULL,
	"peer_review_count" integer DEFAULT 0 NOT NULL,
	"passing_percent" integer DEFAULT 50 NOT NULL,
	"peer_reviews_assigned_at" timestamp with time zone,
	"updated_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assignments_numbers_ck" CHECK ("assignments"."late_penalty_per_day" BETWEEN 0 AND 100 AND "assignments"."passing_percent" BETWEEN 0 AND 100 AND "assignments"."points_possible" > 0 AND "assignments"."max_files" >= 0 AND "assignments"."peer_review_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "assignment_comments" ADD CONSTRAINT "assignment_comments_submission_id_assignment_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."assignment_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_comments" ADD CONSTRAINT "assignment_comments_version_id_assignment_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."assignment_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_comments" ADD CONSTRAINT "assignment_comments_file_id_assignment_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."assignment_files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_files" ADD CONSTRAINT "assignment_files_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_group_members" ADD CONSTRAINT "assignment_group_members_group_id_assignment_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."assignment_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_peer_reviews" ADD CONSTRAINT "assignment_peer_reviews_submission_id_assignment_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."assignment_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_submissions" ADD CONSTRAINT "assignment_submissions_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_submissions" ADD CONSTRAINT "assignment_submissions_group_id_assignment_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."assignment_groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_version_files" ADD CONSTRAINT "assignment_version_files_version_id_assignment_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."assignment_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_version_files" ADD CONSTRAINT "assignment_version_files_file_id_assignment_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."assignment_files"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_versions" ADD CONSTRAINT "assignment_versions_submission_id_assignment_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."assignment_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assignment_comments_submission_idx" ON "assignment_comments" USING btree ("submission_id","created_at");--> statement-breakpoint
CREATE INDEX "assignment_files_uploader_idx" ON "assignment_files" USING btree ("assignment_id","uploaded_by");--> statement-breakpoint
CREATE UNIQUE INDEX "assignment_group_members_course_user_uq" ON "assignment_group_members" USING btree ("course_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assignment_groups_name_uq" ON "assignment_groups" USING btree ("course_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "assignment_peer_reviews_pair_uq" ON "assignment_peer_reviews" USING btree ("submission_id","reviewer_id");--> statement-breakpoint
CREATE INDEX "assignment_peer_reviews_reviewer_idx" ON "assignment_peer_reviews" USING btree ("reviewer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assignment_submissions_user_uq" ON "assignment_submissions" USING btree ("assignment_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assignment_submissions_group_uq" ON "assignment_submissions" USING btree ("assignment_id","group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assignment_submissions_anon_uq" ON "assignment_submissions" USING btree ("assignment_id","anon_number");--> statement-breakpoint
CREATE INDEX "assignment_submissions_org_course_idx" ON "assignment_submissions" USING btree ("organization_id","course_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assignment_versions_number_uq" ON "assignment_versions" USING btree ("submission_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "assignments_lesson_uq" ON "assignments" USING btree ("lesson_id");--> statement-breakpoint
CREATE INDEX "assignments_org_course_idx" ON "assignments" USING btree ("organization_id","course_id");