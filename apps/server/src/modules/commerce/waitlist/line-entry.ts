import type { WaitlistEntryView } from './waitlist.dto.js';
import type { waitlistEntries } from './waitlist.schema.js';

/** A row of a waitlist's line (course or cohort) as staff see it; `position` counts waiting entries only. */
export function lineEntryView(e: typeof waitlistEntries.$inferSelect, offerExpiresAt: Date | null, position: number | null): WaitlistEntryView {
  return {
    id: e.id,
    userId: e.userId,
    name: e.name,
    email: e.email,
    status: e.status,
    position,
    joinedAt: e.joinedAt.toISOString(),
    offerExpiresAt: offerExpiresAt ? offerExpiresAt.toISOString() : null,
  };
}
