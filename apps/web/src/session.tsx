import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, authRequest, call, type Me } from './api';
import { setLocale, supportedLocale } from './i18n';

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
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'catalog' });
    await qc.invalidateQueries({ queryKey: sessionKey });
  };
  return {
    signIn: async (email: string, password: string) => {
      await authRequest('POST', '/sign-in/email', { email, password });
      await refresh();
    },
    signUp: async (name: string, email: string, password: string) => {
      await authRequest('POST', '/sign-up/email', { name, email, password });
      await refresh();
    },
    signOut: async () => {
      await authRequest('POST', '/sign-out');
      qc.clear();
      qc.setQueryData(sessionKey, null);
    },
  };
}
