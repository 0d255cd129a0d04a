CREATE TABLE "seat_holds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "seat_holds_order_course_uq" ON "seat_holds" USING btree ("order_id","course_id");--> statement-breakpoint
CREATE INDEX "seat_holds_course_idx" ON "seat_holds" USING btree ("course_id","status");--> statement-breakpoint
CREATE INDEX "seat_holds_user_idx" ON "seat_holds" USING btree ("user_id","course_id") WHERE "seat_holds"."status" = 'held';