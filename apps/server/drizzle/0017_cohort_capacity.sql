DROP INDEX "waitlist_entries_open_uq";--> statement-breakpoint
ALTER TABLE "cohorts" ADD COLUMN "capacity" integer;--> statement-breakpoint
ALTER TABLE "seat_offers" ADD COLUMN "cohort_id" uuid;--> statement-breakpoint
ALTER TABLE "waitlist_entries" ADD COLUMN "cohort_id" uuid;--> statement-breakpoint
CREATE INDEX "seat_offers_cohort_idx" ON "seat_offers" USING btree ("cohort_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "waitlist_entries_cohort_open_uq" ON "waitlist_entries" USING btree ("cohort_id","user_id") WHERE "waitlist_entries"."status" IN ('waiting', 'offered') AND "waitlist_entries"."cohort_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "waitlist_entries_cohort_idx" ON "waitlist_entries" USING btree ("cohort_id","status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "waitlist_entries_open_uq" ON "waitlist_entries" USING btree ("course_id","user_id") WHERE "waitlist_entries"."status" IN ('waiting', 'offered') AND "waitlist_entries"."cohort_id" IS NULL;--> statement-breakpoint
ALTER TABLE "cohorts" ADD CONSTRAINT "cohorts_capacity_ck" CHECK ("cohorts"."capacity" IS NULL OR "cohorts"."capacity" >= 0);