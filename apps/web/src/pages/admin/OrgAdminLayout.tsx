import { Button, Group, Stack, Text } from '@mantine/core';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useOutletContext } from 'react-router';
import { EmptyState, PageLoading } from '../../components/common';
import { usePermissions, type MyOrganization } from '../../session';

export interface OrgAdminContext {
  org: MyOrganization;
  can: (permission: string) => boolean;
}

/** The active organization and the caller's permissions in it, for the pages of the section. */
export function useOrgAdmin(): OrgAdminContext {
  return useOutletContext<OrgAdminContext>();
}

/** The tabs of the organization section, each shown only to those who may use it. */
export function orgTabs(can: (p: string) => boolean) {
  return [
    { to: '/admin/organization', key: 'settings', show: true },
    { to: '/admin/members', key: 'members', show: can('member.read') },
    { to: '/admin/invitations', key: 'invitations', show: can('member.invite') },
    { to: '/admin/roles', key: 'roles', show: can('member.read') || can('role.manage') },
  ].filter((tab) => tab.show);
}

/** Organization administration: the active organization's name and the tab links above each page. */
export function OrgAdminLayout() {
  const { t } = useTranslation();
  const perms = usePermissions();
  const location = useLocation();
  if (perms.isLoading) return <PageLoading />;
  const org = perms.activeOrganization;
  if (!org)
    return (
      <EmptyState
        title={t('admin.section.noOrganization')}
        hint={t('admin.section.noOrganizationHint')}
        action={
          <Button component={Link} to="/">
            {t('admin.section.toCatalog')}
          </Button>
        }
      />
    );
  const tabs = orgTabs(perms.can);
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t('admin.section.organization', { name: org.name })}
      </Text>
      <Group component="nav" aria-label={t('admin.section.tabs')} gap="xs">
        {tabs.map((tab) => {
          const current = location.pathname === tab.to;
          return (
            <Button
              key={tab.to}
              component={Link}
              to={tab.to}
              size="sm"
              variant={current ? 'filled' : 'default'}
              aria-current={current ? 'page' : undefined}
            >
              {t(`admin.section.tab.${tab.key}`)}
            </Button>
          );
        })}
      </Group>
      <Suspense fallback={<PageLoading />}>
        <Outlet context={{ org, can: perms.can } satisfies OrgAdminContext} />
      </Suspense>
    </Stack>
  );
}
