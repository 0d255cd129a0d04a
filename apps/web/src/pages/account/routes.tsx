import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const ForgotPasswordPage = lazy(() => import('./ForgotPasswordPage').then((m) => ({ default: m.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => import('./ResetPasswordPage').then((m) => ({ default: m.ResetPasswordPage })));
const VerifyEmailPage = lazy(() => import('./VerifyEmailPage').then((m) => ({ default: m.VerifyEmailPage })));
const ProfilePage = lazy(() => import('./ProfilePage').then((m) => ({ default: m.ProfilePage })));
const SecurityPage = lazy(() => import('./SecurityPage').then((m) => ({ default: m.SecurityPage })));

/** The account screens' routes, placed inside the app layout by App.tsx. */
export function accountRoutes() {
  return (
    <Fragment>
      <Route path="forgot-password" element={<ForgotPasswordPage />} />
      <Route path="reset-password" element={<ResetPasswordPage />} />
      <Route path="verify-email" element={<VerifyEmailPage />} />
      <Route element={<RequireAuth />}>
        <Route path="account" element={<ProfilePage />} />
        <Route path="account/security" element={<SecurityPage />} />
      </Route>
    </Fragment>
  );
}
