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
CREATE TABLE "affiliate_payouts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"code_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" integer NOT NULL,
	"entry_count" integer NOT NULL,
	"reference" text DEFAULT '' NOT NULL,
	"paid_by" uuid NOT NULL,
	"paid_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "affiliate_refunds_seen" (
	"refund_id" uuid PRIMARY KEY NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "affiliate_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"cookie_days" integer DEFAULT 30 NOT NULL,
	"refund_window_days" integer DEFAULT 30 NOT NULL,
	"default_commission_bp" integer DEFAULT 1000 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "affiliate_settings_cookie_ck" CHECK ("affiliate_settings"."cookie_days" BETWEEN 1 AND 365),
	CONSTRAINT "affiliate_settings_window_ck" CHECK ("affiliate_settings"."refund_window_days" BETWEEN 0 AND 365),
	CONSTRAINT "affiliate_settings_bp_ck" CHECK ("affiliate_settings"."default_commission_bp" BETWEEN 0 AND 10000)
);
--> statement-breakpoint
CREATE TABLE "commission_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"code_id" uuid NOT NULL,
	"affiliate_user_id" uuid NOT NULL,
	"buyer_user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"source_id" uuid NOT NULL,
	"line_key" uuid NOT NULL,
	"order_id" uuid,
	"description" text NOT NULL,
	"currency" text NOT NULL,
	"line_total_minor" integer NOT NULL,
	"base_minor" integer NOT NULL,
	"commission_bp" integer NOT NULL,
	"amount_minor" integer NOT NULL,
	"refunded_minor" integer DEFAULT 0 NOT NULL,
	"clawed_back_minor" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"approve_at" timestamp with time zone NOT NULL,
	"approved_at" timestamp with time zone,
	"payout_id" uuid,
	"paid_at" timestamp with time zone,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_entries_claw_ck" CHECK ("commission_entries"."clawed_back_minor" >= 0 AND "commission_entries"."clawed_back_minor" <= abs("commission_entries"."amount_minor"))
);
--> statement-breakpoint
CREATE TABLE "commission_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" uuid NOT NULL,
	"commission_bp" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_rules_bp_ck" CHECK ("commission_rules"."commission_bp" BETWEEN 0 AND 10000)
);
--> statement-breakpoint
CREATE TABLE "referral_clicks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"code_id" uuid NOT NULL,
	"target" text NOT NULL,
	"clicked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_codes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"code" text NOT NULL,
	"status" text DEFAULT 'member' NOT NULL,
	"commission_bp" integer,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_codes_bp_ck" CHECK ("referral_codes"."commission_bp" IS NULL OR "referral_codes"."commission_bp" BETWEEN 0 AND 10000)
);
--> statement-breakpoint
CREATE TABLE "revenue_course_shares" (
	"course_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"instructor_share_bp" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "revenue_course_shares_bp_ck" CHECK ("revenue_course_shares"."instructor_share_bp" BETWEEN 0 AND 10000)
);
--> statement-breakpoint
CREATE TABLE "revenue_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"source_id" uuid NOT NULL,
	"line_key" text NOT NULL,
	"day" date NOT NULL,
	"currency" text NOT NULL,
	"course_id" uuid,
	"gross_minor" integer NOT NULL,
	"instructor_share_minor" integer NOT NULL,
	"line_total_minor" integer DEFAULT 0 NOT NULL,
	"refunded_minor" integer DEFAULT 0 NOT NULL,
	"order_line_id" uuid
);
--> statement-breakpoint
CREATE TABLE "revenue_instructor_shares" (
	"entry_id" uuid NOT NULL,
	"instructor_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"day" date NOT NULL,
	"currency" text NOT NULL,
	"course_id" uuid NOT NULL,
	"amount_minor" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revenue_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"instructor_share_bp" integer DEFAULT 5000 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "revenue_settings_bp_ck" CHECK ("revenue_settings"."instructor_share_bp" BETWEEN 0 AND 10000)
);
--> statement-breakpoint
ALTER TABLE "seat_offers" ADD CONSTRAINT "seat_offers_entry_id_waitlist_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."waitlist_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "affiliate_payouts" ADD CONSTRAINT "affiliate_payouts_code_id_referral_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."referral_codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_entries" ADD CONSTRAINT "commission_entries_code_id_referral_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."referral_codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_clicks" ADD CONSTRAINT "referral_clicks_code_id_referral_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."referral_codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_instructor_shares" ADD CONSTRAINT "revenue_instructor_shares_entry_id_revenue_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."revenue_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "course_capacities_org_idx" ON "course_capacities" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "seat_offers_pending_uq" ON "seat_offers" USING btree ("entry_id") WHERE "seat_offers"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "seat_offers_course_idx" ON "seat_offers" USING btree ("course_id","status");--> statement-breakpoint
CREATE INDEX "seat_offers_user_idx" ON "seat_offers" USING btree ("user_id","status");--> statement-breakpoint
CREATE INDEX "seat_offers_expiry_idx" ON "seat_offers" USING btree ("expires_at") WHERE "seat_offers"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "waitlist_entries_open_uq" ON "waitlist_entries" USING btree ("course_id","user_id") WHERE "waitlist_entries"."status" IN ('waiting', 'offered');--> statement-breakpoint
CREATE INDEX "waitlist_entries_course_idx" ON "waitlist_entries" USING btree ("course_id","status","id");--> statement-breakpoint
CREATE INDEX "waitlist_entries_user_idx" ON "waitlist_entries" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "affiliate_payouts_code_idx" ON "affiliate_payouts" USING btree ("code_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "commission_entries_source_uq" ON "commission_entries" USING btree ("kind","source_id","line_key");--> statement-breakpoint
CREATE INDEX "commission_entries_code_idx" ON "commission_entries" USING btree ("code_id","id");--> statement-breakpoint
CREATE INDEX "commission_entries_org_status_idx" ON "commission_entries" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "commission_entries_order_idx" ON "commission_entries" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "commission_rules_target_uq" ON "commission_rules" USING btree ("organization_id","target_kind","target_id");--> statement-breakpoint
CREATE INDEX "referral_clicks_code_idx" ON "referral_clicks" USING btree ("code_id","clicked_at");--> statement-breakpoint
CREATE UNIQUE INDEX "referral_codes_code_uq" ON "referral_codes" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "referral_codes_user_uq" ON "referral_codes" USING btree ("organization_id","user_id");--> statement-breakpoint
CREATE INDEX "referral_codes_org_status_idx" ON "referral_codes" USING btree ("organization_id","status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "revenue_entries_source_uq" ON "revenue_entries" USING btree ("kind","source_id","line_key");--> statement-breakpoint
CREATE INDEX "revenue_entries_org_day_idx" ON "revenue_entries" USING btree ("organization_id","day");--> statement-breakpoint
CREATE INDEX "revenue_entries_line_idx" ON "revenue_entries" USING btree ("order_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "revenue_instructor_shares_uq" ON "revenue_instructor_shares" USING btree ("entry_id","instructor_id");--> statement-breakpoint
CREATE INDEX "revenue_instructor_shares_idx" ON "revenue_instructor_shares" USING btree ("organization_id","instructor_id","day");