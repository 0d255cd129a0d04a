CREATE TABLE "certificate_signing_keys" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"kid" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_key_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificate_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"title" text NOT NULL,
	"issuer_name" text NOT NULL,
	"signer_name" text NOT NULL,
	"signer_title" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"criteria" text DEFAULT '' NOT NULL,
	"signature_key" text,
	"signature_content_type" text,
	"updated_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"enrollment_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"code" text NOT NULL,
	"learner_name" text NOT NULL,
	"learner_email" text NOT NULL,
	"course_title" text NOT NULL,
	"title" text NOT NULL,
	"issuer_name" text NOT NULL,
	"signer_name" text NOT NULL,
	"signer_title" text NOT NULL,
	"description" text NOT NULL,
	"criteria" text NOT NULL,
	"signature_key" text,
	"completed_at" timestamp with time zone NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"pdf_key" text,
	"credential_jwt" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"revoked_by" uuid,
	CONSTRAINT "certificates_revoked_ck" CHECK (("certificates"."revoked_at" IS NULL) = ("certificates"."revoked_reason" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_templates_course_uq" ON "certificate_templates" USING btree ("course_id");--> statement-breakpoint
CREATE INDEX "certificate_templates_org_idx" ON "certificate_templates" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_enrollment_uq" ON "certificates" USING btree ("enrollment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_code_uq" ON "certificates" USING btree ("code");--> statement-breakpoint
CREATE INDEX "certificates_org_course_idx" ON "certificates" USING btree ("organization_id","course_id","id");--> statement-breakpoint
CREATE INDEX "certificates_user_idx" ON "certificates" USING btree ("user_id","id");