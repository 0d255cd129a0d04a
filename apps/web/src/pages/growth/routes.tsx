import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const AffiliatePage = lazy(() => import('./AffiliatePage').then((m) => ({ default: m.AffiliatePage })));
const AffiliateAdminPage = lazy(() => import('./AffiliateAdminPage').then((m) => ({ default: m.AffiliateAdminPage })));
const RevenuePage = lazy(() => import('./RevenuePage').then((m) => ({ default: m.RevenuePage })));

/** The growth screens' routes (the waitlist lives on the course page and in the course editor), placed by App.tsx. */
export function growthRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="affiliate" element={<AffiliatePage />} />
        <Route path="affiliate/admin" element={<AffiliateAdminPage />} />
        <Route path="revenue" element={<RevenuePage />} />
      </Route>
    </Fragment>
  );
}
