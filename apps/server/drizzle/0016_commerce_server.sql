ALTER TABLE "coupon_redemptions" ALTER COLUMN "order_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "discount" jsonb;--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD COLUMN "subscription_id" uuid;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "scope_categories" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "duration" text DEFAULT 'once' NOT NULL;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "duration_months" integer;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "refunded_minor" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "refund_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_redemptions_subscription_uq" ON "coupon_redemptions" USING btree ("coupon_id","subscription_id");--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD CONSTRAINT "coupon_redemptions_target_ck" CHECK (("coupon_redemptions"."order_id" IS NULL) <> ("coupon_redemptions"."subscription_id" IS NULL));