import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../session';
import { PageLoading } from './common';

/** Routes for signed-in users; others are sent to sign in and brought back afterwards. */
export function RequireAuth() {
  const { user, isLoading } = useSession();
  const location = useLocation();
  if (isLoading) return <PageLoading />;
  if (!user) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <Outlet />;
}

/** Only same-site paths are accepted as a place to return to after signing in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/my-learning';
}
