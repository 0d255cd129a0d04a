import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { LEDGER_STATUSES, RATE_SOURCES, REFERRER_STATUSES, RULE_TARGETS } from './affiliates.schema.js';

const isoDate = z.iso.datetime({ offset: true });
const bp = z.number().int().min(0).max(10_000);
/** Referral codes: 4–32 letters, digits or dashes, compared in upper case. */
export const REFERRAL_CODE = /^[A-Z0-9-]{4,32}$/;
const code = z
  .string()
  .trim()
  .max(32)
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(REFERRAL_CODE, 'A referral code has 4 to 32 letters, digits or dashes.'));

export const RefParams = z.strictObject({ code });
export class RefParamsDto extends createZodDto(RefParams) {}

/** Only a path on this site: no scheme, no host, no protocol-relative `//`. */
export const RefQuery = z.strictObject({
  to: z
    .string()
    .max(512)
    .regex(/^\/(?![/\\])[^\s\\]*$/, 'Give a path on this site, starting with a single "/".')
    .default('/'),
});
export class RefQueryDto extends createZodDto(RefQuery) {}

export const CodeIdParams = z.strictObject({ codeId: z.uuid() });
export class CodeIdParamsDto extends createZodDto(CodeIdParams) {}
export const RuleIdParams = z.strictObject({ ruleId: z.uuid() });
export class RuleIdParamsDto extends createZodDto(RuleIdParams) {}

export const AffiliateSettings = z.object({
  cookieDays: z.number().int().min(1).max(365),
  refundWindowDays: z.number().int().min(0).max(365),
  defaultCommissionBp: bp,
});
export type AffiliateSettingsView = z.infer<typeof AffiliateSettings>;
export class AffiliateSettingsDto extends createZodDto(AffiliateSettings) {}
export class PutAffiliateSettingsDto extends createZodDto(AffiliateSettings.strict()) {}

export const CommissionRule = z.object({ id: z.uuid(), targetKind: z.enum(RULE_TARGETS), targetId: z.uuid(), commissionBp: bp });
export type CommissionRuleView = z.infer<typeof CommissionRule>;
export class CommissionRuleDto extends createZodDto(CommissionRule) {}
export class CommissionRuleListDto extends createZodDto(z.object({ items: z.array(CommissionRule) })) {}
export const PutRule = z.strictObject({ targetKind: z.enum(RULE_TARGETS), targetId: z.uuid(), commissionBp: bp });
export class PutCommissionRuleDto extends createZodDto(PutRule) {}

const Totals = z.object({
  currency: z.string(),
  pendingMinor: z.number().int(),
  approvedMinor: z.number().int(),
  paidMinor: z.number().int(),
  reversedMinor: z.number().int(),
});
export type TotalsView = z.infer<typeof Totals>;

export const Affiliate = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  code: z.string(),
  status: z.enum(REFERRER_STATUSES),
  commissionBp: bp.nullable(),
  approvedAt: isoDate.nullable(),
  createdAt: isoDate,
});
export type AffiliateView = z.infer<typeof Affiliate>;
export class AffiliateDto extends createZodDto(Affiliate) {}
export class AffiliatePageDto extends createZodDto(pageOf(Affiliate)) {}
export const ListAffiliatesQuery = z.strictObject({ ...pageQuery, status: z.enum(REFERRER_STATUSES).optional() });
export class ListAffiliatesQueryDto extends createZodDto(ListAffiliatesQuery) {}
export const ApproveAffiliate = z.strictObject({ commissionBp: bp.nullable().default(null) });
export class ApproveAffiliateDto extends createZodDto(ApproveAffiliate) {}

export const Dashboard = z.object({
  affiliate: Affiliate,
  /** the shareable link: a redirect that sets the attribution cookie */
  link: z.string(),
  clicks: z.number().int(),
  conversions: z.number().int(),
  totals: z.array(Totals),
});
export type DashboardView = z.infer<typeof Dashboard>;
export class AffiliateDashboardDto extends createZodDto(Dashboard) {}

export const LedgerEntry = z.object({
  id: z.uuid(),
  kind: z.enum(['order', 'subscription', 'refund']),
  description: z.string(),
  currency: z.string(),
  baseMinor: z.number().int(),
  commissionBp: z.number().int(),
  /** which rate applied: the affiliate's own, a course or plan rule, or the default (null: not recorded) */
  rateSource: z.enum(RATE_SOURCES).nullable(),
  amountMinor: z.number().int(),
  clawedBackMinor: z.number().int(),
  status: z.enum(LEDGER_STATUSES),
  reason: z.string().nullable(),
  approveAt: isoDate,
  paidAt: isoDate.nullable(),
  occurredAt: isoDate,
});
export type LedgerEntryView = z.infer<typeof LedgerEntry>;
export class LedgerPageDto extends createZodDto(pageOf(LedgerEntry)) {}
export const LedgerQuery = z.strictObject({ ...pageQuery });
export class LedgerQueryDto extends createZodDto(LedgerQuery) {}

export const PayoutRow = z.object({
  codeId: z.uuid(),
  code: z.string(),
  name: z.string(),
  email: z.string(),
  currency: z.string(),
  /** approved, unpaid commission net of clawbacks */
  amountMinor: z.number().int(),
  entries: z.number().int(),
});
export type PayoutRowView = z.infer<typeof PayoutRow>;
export class PayoutReportDto extends createZodDto(z.object({ items: z.array(PayoutRow) })) {}

export const MarkPaid = z.strictObject({ currency: z.string().length(3), reference: z.string().trim().max(200).default('') });
export class MarkPaidDto extends createZodDto(MarkPaid) {}
export const Payout = z.object({ id: z.uuid(), codeId: z.uuid(), currency: z.string(), amountMinor: z.number().int(), entryCount: z.number().int(), reference: z.string(), paidAt: isoDate });
export type PayoutView = z.infer<typeof Payout>;
export class PayoutDto extends createZodDto(Payout) {}
