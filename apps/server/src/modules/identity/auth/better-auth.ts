import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError } from 'better-auth/api';
import { admin, bearer, openAPI, twoFactor } from 'better-auth/plugins';
import { v7 as uuidv7 } from 'uuid';
import type { AppConfig } from '../../../kernel/config/index.js';
import type { Database } from '../../../kernel/db/index.js';
import { accounts, sessions, twoFactors, users, verifications } from './auth.schema.js';

export interface AuthHooks {
  sendVerificationEmail(user: { email: string; name: string }, url: string): Promise<void>;
  sendResetPassword(user: { email: string; name: string }, url: string): Promise<void>;
  onUserCreated(user: { id: string; email: string; name: string }): Promise<void>;
  /** after a successful password reset (better-auth has already revoked the user's sessions) */
  onPasswordReset(user: { id: string; email: string }): Promise<void>;
  /** better-auth's own log lines, routed into the app logger instead of the console */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, args: unknown[]): void;
}

export const SESSION_COOKIE_PREFIX = 'lyceum';

export function createBetterAuth(config: AppConfig, db: Database, hooks: AuthHooks) {
  return betterAuth({
    appName: 'Lyceum',
    baseURL: config.publicUrl,
    basePath: '/api/auth',
    secret: config.authSecret,
    trustedOrigins: [config.publicUrl, ...config.CORS_ORIGINS],
    database: drizzleAdapter(db, {
      provider: 'pg',
      schema: { user: users, session: sessions, account: accounts, verification: verifications, twoFactor: twoFactors },
    }),
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      database: { generateId: () => uuidv7() },
      useSecureCookies: config.publicUrl.startsWith('https://'),
    },
    telemetry: { enabled: false },
    logger: { level: 'warn', log: (level, message, ...args: unknown[]) => hooks.log(level, message, args) },
    // Rate limits and lockout live in the HTTP layer (shared across nodes through Redis/PostgreSQL).
    rateLimit: { enabled: false },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      requireEmailVerification: false,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user, url }) => hooks.sendResetPassword(user, url),
      onPasswordReset: async ({ user }) => hooks.onPasswordReset(user),
    },
    emailVerification: {
      sendOnSignUp: true,
      autoSignInAfterVerification: true,
      sendVerificationEmail: async ({ user, url }) => hooks.sendVerificationEmail(user, url),
    },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    databaseHooks: {
      user: {
        create: {
          before: async (user) => {
            // Names reach mail headers and other people's screens: the same rule as PATCH /api/v1/me.
            if (typeof user.name !== 'string' || !/^[^\p{Cc}\u202a-\u202e\u2066-\u2069]{1,100}$/u.test(user.name.trim())) {
              throw new APIError('BAD_REQUEST', { code: 'INVALID_NAME', message: 'The name must be 1-100 characters without control characters.' });
            }
            return { data: { ...user, name: user.name.trim() } };
          },
          after: async (user) => hooks.onUserCreated(user),
        },
      },
    },
    // openAPI: better-auth describes its own routes; Lyceum merges them into /api/docs.
    plugins: [bearer(), twoFactor({ issuer: 'Lyceum' }), openAPI({ disableDefaultReference: true }), admin({
        defaultRole: 'user',
        adminRoles: ['admin'],
        bannedUserMessage: 'This account is suspended. Contact the platform administrators if you think this is a mistake.',
      })],
  });
}

export type BetterAuth = ReturnType<typeof createBetterAuth>;
