import type { IncomingHttpHeaders } from 'node:http';
import type { Actor, Membership } from './context.js';

/**
 * The port the identity module fills: turns request headers (cookie, bearer token, API key,
 * X-Organization-Id) into an actor and their active membership.
 */
export interface SessionResolver {
  resolve(headers: IncomingHttpHeaders): Promise<{ actor: Actor; membership: Membership | null } | null>;
}

export const SESSION_RESOLVER = Symbol('SESSION_RESOLVER');
