CREATE TABLE "subscription_checkouts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"customer_email" text NOT NULL,
	"customer_name" text NOT NULL,
	"plan_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"unit_amount_minor" integer NOT NULL,
	"trial_days" integer DEFAULT 0 NOT NULL,
	"billing_address" jsonb,
	"discount" jsonb,
	"applied_coupon" jsonb,
	"referral_code" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"session_id" text,
	"redirect_url" text,
	"subscription_id" uuid,
	"completed_at" timestamp with time zone,
	"expired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "subscription_checkouts" ADD CONSTRAINT "subscription_checkouts_plan_id_billing_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."billing_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_checkouts" ADD CONSTRAINT "subscription_checkouts_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_checkouts_session_uq" ON "subscription_checkouts" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "subscription_checkouts_user_idx" ON "subscription_checkouts" USING btree ("organization_id","user_id","plan_id") WHERE "subscription_checkouts"."status" = 'pending';