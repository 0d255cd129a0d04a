import { useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api } from '../../api';

/**
 * `/?ref=CODE` (or any page with it): the server records the click and sets the `lyceum_ref`
 * attribution cookie; the parameter is then dropped from the address bar.
 */
export function RefCapture() {
  const location = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const code = params.get('ref');
    if (!code) return;
    params.delete('ref');
    const rest = params.toString();
    void api
      .POST('/api/v1/ref/{code}/visit', { params: { path: { code }, query: { to: location.pathname } } })
      .catch(() => undefined)
      .finally(() => navigate({ pathname: location.pathname, search: rest ? `?${rest}` : '' }, { replace: true }));
  }, [location.search, location.pathname, navigate]);
  return null;
}
