import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const MyCertificatesPage = lazy(() => import('./MyCertificatesPage').then((m) => ({ default: m.MyCertificatesPage })));
const VerifyPage = lazy(() => import('./VerifyPage').then((m) => ({ default: m.VerifyPage })));

/** The certificate screens' routes (the course editor's tab is in the instructor routes), placed by App.tsx. */
export function certificatesRoutes() {
  return (
    <Fragment>
      <Route path="verify" element={<VerifyPage />} />
      <Route path="verify/:code" element={<VerifyPage />} />
      <Route element={<RequireAuth />}>
        <Route path="my-certificates" element={<MyCertificatesPage />} />
      </Route>
    </Fragment>
  );
}
