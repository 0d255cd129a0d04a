import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, authRequest, call, type Me, type MyOrganizationPage } from './api';
import { setLocale, supportedLocale } from './i18n';
import { closeRealtime } from './realtime';

export interface SessionUser {
  id: string;
  name: string;
  email: string;
}
interface SessionPayload {
  user: SessionUser;
}

export const sessionKey = ['session'] as const;

export function useSession() {
  const query = useQuery({
    queryKey: sessionKey,
    queryFn: async () => (await authRequest<SessionPayload | null>('GET', '/get-session'))?.user ?? null,
    staleTime: 60_000,
  });
  return { user: query.data ?? null, isLoading: query.isLoading };
}

/** The signed-in user's profile; its locale wins over the device's. */
export function useMe(enabled: boolean) {
  const me = useQuery({
    queryKey: ['me'],
    queryFn: () => call<Me>(api.GET('/api/v1/me')),
    enabled,
    staleTime: 5 * 60_000,
  });
  const locale = supportedLocale(me.data?.locale);
  useEffect(() => {
    if (locale) setLocale(locale, false);
  }, [locale]);
  return me;
}

export function useAuthActions() {
  const qc = useQueryClient();
  const refresh = async () => {
    // the socket authenticated as whoever was signed in before; the next use opens one for this session
    closeRealtime();
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'catalog' });
    await qc.invalidateQueries({ queryKey: sessionKey });
  };
  return {
    /** Resolves `twoFactor: true` when the password was right and a second factor is now asked for. */
    signIn: async (email: string, password: string): Promise<{ twoFactor: boolean }> => {
      const res = await authRequest<{ twoFactorRedirect?: boolean } | null>('POST', '/sign-in/email', { email, password });
      if (res?.twoFactorRedirect) return { twoFactor: true };
      await refresh();
      return { twoFactor: false };
    },
    /** The second sign-in step: a code from the authenticator app, or one of the backup codes. */
    verifySecondFactor: async (code: string, kind: 'totp' | 'backup', trustDevice = false) => {
      await authRequest('POST', kind === 'totp' ? '/two-factor/verify-totp' : '/two-factor/verify-backup-code', { code, trustDevice });
      await refresh();
    },
    signUp: async (name: string, email: string, password: string) => {
      // the link in the confirmation email comes back to the web app's /verify-email page
      await authRequest('POST', '/sign-up/email', { name, email, password, callbackURL: '/verify-email' });
      await refresh();
    },
    signOut: async () => {
      await authRequest('POST', '/sign-out');
      closeRealtime();
      qc.clear();
      qc.setQueryData(sessionKey, null);
    },
  };
}

export type MyOrganization = MyOrganizationPage['items'][number];

/** The organizations the signed-in user belongs to, with their role and permissions in each. */
export function useMyOrganizations(enabled = true) {
  return useQuery({
    queryKey: ['me', 'organizations'],
    queryFn: () => call<MyOrganizationPage>(api.GET('/api/v1/me/organizations', { params: { query: { limit: 100 } } })),
    enabled,
    staleTime: 60_000,
  });
}

/**
 * What the signed-in user may do: the active organization (the API's default for requests without
 * X-Organization-Id), `can(permission)` in it, and whether they are a platform administrator.
 * Clients only hide what is not allowed; the server checks every request again.
 */
export function usePermissions() {
  const { user } = useSession();
  const me = useMe(!!user);
  const orgs = useMyOrganizations(!!user);
  const items = orgs.data?.items ?? [];
  const active = items.find((o) => o.active) ?? null;
  const permissions = new Set(active?.permissions ?? []);
  return {
    isLoading: !!user && (me.isLoading || orgs.isLoading),
    organizations: items,
    activeOrganization: active,
    can: (permission: string) => permissions.has(permission),
    canAny: (...list: string[]) => list.some((p) => permissions.has(p)),
    isPlatformAdmin: me.data?.platformRole === 'admin',
  };
}
