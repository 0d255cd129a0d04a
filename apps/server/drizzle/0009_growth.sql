CREATE TABLE "course_capacities" (
	"course_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"capacity" integer NOT NULL,
	"claim_window_hours" integer DEFAULT 48 NOT NULL,
	"updated_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "course_capacities_capacity_ck" CHECK ("course_capacities"."capacity" >= 0),
	CONSTRAINT "course_capacities_window_ck" CHECK ("course_capacities"."claim_window_hours" BETWEEN 1 AND 720)
);
--> statement-breakpoint
CREATE TABLE "seat_offers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"entry_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"offered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "waitlist_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "seat_offers" ADD CONSTRAINT "seat_offers_entry_id_waitlist_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."waitlist_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "course_capacities_org_idx" ON "course_capacities" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "seat_offers_pending_uq" ON "seat_offers" USING btree ("entry_id") WHERE "seat_offers"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "seat_offers_course_idx" ON "seat_offers" USING btree ("course_id","status");--> statement-breakpoint
CREATE INDEX "seat_offers_user_idx" ON "seat_offers" USING btree ("user_id","status");--> statement-breakpoint
CREATE INDEX "seat_offers_expiry_idx" ON "seat_offers" USING btree ("expires_at") WHERE "seat_offers"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "waitlist_entries_open_uq" ON "waitlist_entries" USING btree ("course_id","user_id") WHERE "waitlist_entries"."status" IN ('waiting', 'offered');--> statement-breakpoint
CREATE INDEX "waitlist_entries_course_idx" ON "waitlist_entries" USING btree ("course_id","status","id");--> statement-breakpoint
CREATE INDEX "waitlist_entries_user_idx" ON "waitlist_entries" USING btree ("user_id");