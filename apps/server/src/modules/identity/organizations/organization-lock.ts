import { eq } from 'drizzle-orm';
import type { Tx } from '../../../kernel/db/index.js';
import { NotFound } from '../../../kernel/errors/index.js';
import { organizations } from './organizations.schema.js';

/**
 * Locks the organization row for the rest of the transaction. Every change to an organization's
 * members, invitations and roles takes it first, so rules that count rows ("the last owner",
 * "a role in use", caps) hold when requests race.
 */
export async function lockOrganization(tx: Tx, orgId: string): Promise<void> {
  const rows = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).for('update');
  if (rows.length === 0) throw new NotFound('Organization');
}
