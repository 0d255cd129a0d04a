import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const PlansPage = lazy(() => import('./PlansPage').then((m) => ({ default: m.PlansPage })));
const MySubscriptionPage = lazy(() => import('./MySubscriptionPage').then((m) => ({ default: m.MySubscriptionPage })));
const BillingAdminPage = lazy(() => import('./BillingAdminPage').then((m) => ({ default: m.BillingAdminPage })));

/** Plans, the subscriber's own subscription, and the billing admin page; placed by App.tsx. */
export function billingRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="plans" element={<PlansPage />} />
        <Route path="my-subscription" element={<MySubscriptionPage />} />
        <Route path="admin/billing" element={<BillingAdminPage />} />
      </Route>
    </Fragment>
  );
}
