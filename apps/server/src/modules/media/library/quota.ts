import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../kernel/db/index.js';
import { mediaAssets, mediaQuotas } from './library.schema.js';

export interface QuotaState {
  usedBytes: number;
  /** bytes declared by tus uploads still in flight: they count against the limit */
  reservedBytes: number;
  limitBytes: number;
}

async function reservedOf(db: DbOrTx, organizationId: string): Promise<number> {
  const [r] = await db
    .select({ n: sql<string>`coalesce(sum(${mediaAssets.sizeBytes}), 0)` })
    .from(mediaAssets)
    .where(and(eq(mediaAssets.organizationId, organizationId), eq(mediaAssets.status, 'uploading')));
  return Number(r?.n ?? 0);
}

/** The organization's quota, read without locking. */
export async function readQuota(db: DbOrTx, organizationId: string, defaultLimit: number): Promise<QuotaState> {
  const [row] = await db.select().from(mediaQuotas).where(eq(mediaQuotas.organizationId, organizationId));
  return { usedBytes: row?.usedBytes ?? 0, reservedBytes: await reservedOf(db, organizationId), limitBytes: row?.limitBytes ?? defaultLimit };
}

/**
 * Locks the organization's quota row (creating it on first use) for the rest of `tx`, so two
 * uploads cannot both fit into the same free space.
 */
export async function lockQuota(tx: Tx, organizationId: string, defaultLimit: number): Promise<QuotaState> {
  await tx.insert(mediaQuotas).values({ organizationId }).onConflictDoNothing();
  const [row] = await tx.select().from(mediaQuotas).where(eq(mediaQuotas.organizationId, organizationId)).for('update');
  return { usedBytes: row?.usedBytes ?? 0, reservedBytes: await reservedOf(tx, organizationId), limitBytes: row?.limitBytes ?? defaultLimit };
}

export async function addUsage(tx: Tx, organizationId: string, deltaBytes: number): Promise<void> {
  await tx
    .update(mediaQuotas)
    .set({ usedBytes: sql`greatest(0, ${mediaQuotas.usedBytes} + ${deltaBytes})`, updatedAt: new Date() })
    .where(eq(mediaQuotas.organizationId, organizationId));
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
