import { Fragment, lazy } from 'react';
import { Navigate, Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const OrgAdminLayout = lazy(() => import('./OrgAdminLayout').then((m) => ({ default: m.OrgAdminLayout })));
const OrgSettingsPage = lazy(() => import('./OrgSettingsPage').then((m) => ({ default: m.OrgSettingsPage })));
const MembersPage = lazy(() => import('./MembersPage').then((m) => ({ default: m.MembersPage })));
const InvitationsPage = lazy(() => import('./InvitationsPage').then((m) => ({ default: m.InvitationsPage })));
const RolesPage = lazy(() => import('./RolesPage').then((m) => ({ default: m.RolesPage })));
const UsersPage = lazy(() => import('./UsersPage').then((m) => ({ default: m.UsersPage })));
const InvitationPage = lazy(() => import('./InvitationPage').then((m) => ({ default: m.InvitationPage })));

/** The admin screens' routes, placed inside the app layout by App.tsx. */
export function adminRoutes() {
  return (
    <Fragment>
      <Route path="invitations/:token" element={<InvitationPage />} />
      <Route element={<RequireAuth />}>
        <Route path="admin" element={<Navigate to="/admin/organization" replace />} />
        <Route path="admin/users" element={<UsersPage />} />
        <Route element={<OrgAdminLayout />}>
          <Route path="admin/organization" element={<OrgSettingsPage />} />
          <Route path="admin/members" element={<MembersPage />} />
          <Route path="admin/invitations" element={<InvitationsPage />} />
          <Route path="admin/roles" element={<RolesPage />} />
        </Route>
      </Route>
    </Fragment>
  );
}
