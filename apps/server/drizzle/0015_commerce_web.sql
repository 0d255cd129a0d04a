CREATE TABLE "bundle_prices" (
	"bundle_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bundle_prices_bundle_id_currency_pk" PRIMARY KEY("bundle_id","currency"),
	CONSTRAINT "bundle_prices_amount_ck" CHECK ("bundle_prices"."amount_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "bundles" DROP CONSTRAINT "bundles_amount_ck";--> statement-breakpoint
ALTER TABLE "commission_entries" ADD COLUMN "rate_source" text;--> statement-breakpoint
ALTER TABLE "bundle_prices" ADD CONSTRAINT "bundle_prices_bundle_id_bundles_id_fk" FOREIGN KEY ("bundle_id") REFERENCES "public"."bundles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- existing bundles keep their one price as their first price row
INSERT INTO "bundle_prices" ("bundle_id", "organization_id", "currency", "amount_minor") SELECT "id", "organization_id", "currency", "amount_minor" FROM "bundles";--> statement-breakpoint
ALTER TABLE "bundles" DROP COLUMN "currency";--> statement-breakpoint
ALTER TABLE "bundles" DROP COLUMN "amount_minor";