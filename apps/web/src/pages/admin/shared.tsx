import { Alert, Badge, Button, Group, Skeleton, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api';
import type { components } from '@lyceum/api-client';

type S = components['schemas'];
export type OrgRole = S['RoleListDto_Output']['items'][number];
export type PermissionCatalogue = S['PermissionCatalogueDto_Output'];
export type Member = S['MemberPageDto_Output']['items'][number];
export type MemberPage = S['MemberPageDto_Output'];
export type Invitation = S['InvitationPageDto_Output']['items'][number];
export type InvitationPage = S['InvitationPageDto_Output'];
export type InvitationStatus = Invitation['status'];
export type InvitationPreview = S['InvitationPreviewDto_Output'];
export type AcceptedInvitation = S['AcceptedInvitationDto_Output'];
export type AdminUser = S['AdminUserPageDto_Output']['items'][number];
export type AdminUserPage = S['AdminUserPageDto_Output'];
export type Organization = S['OrganizationDto_Output'];

export const BUILTIN_ROLE_KEYS = ['owner', 'admin', 'instructor', 'teaching_assistant', 'learner'] as const;

export const orgKeys = {
  organization: (orgId: string) => ['admin', 'organization', orgId] as const,
  roles: (orgId: string) => ['admin', 'roles', orgId] as const,
  members: (orgId: string) => ['admin', 'members', orgId] as const,
  invitations: (orgId: string) => ['admin', 'invitations', orgId] as const,
  users: ['admin', 'users'] as const,
};

/** Built-in and custom roles of the organization. */
export function useOrgRoles(orgId: string, enabled = true) {
  return useQuery({
    queryKey: orgKeys.roles(orgId),
    queryFn: () => call<S['RoleListDto_Output']>(api.GET('/api/v1/organizations/{id}/roles', { params: { path: { id: orgId } } })),
    enabled,
  });
}

/** The permission catalogue (it changes only with a new server version). */
export function usePermissionCatalogue() {
  return useQuery({
    queryKey: ['admin', 'permissions'],
    queryFn: () => call<PermissionCatalogue>(api.GET('/api/v1/permissions')),
    staleTime: Infinity,
  });
}

/** A role's name in the UI language: built-in roles are translated, custom ones keep their name. */
export function useRoleLabel() {
  const { t } = useTranslation();
  return (key: string, fallback?: string) =>
    (BUILTIN_ROLE_KEYS as readonly string[]).includes(key) ? t(`admin.roleNames.${key}`) : (fallback ?? key);
}

/** A permission's description in the UI language, else the server's (English) description. */
export function usePermissionLabel() {
  const { t, i18n } = useTranslation();
  return (key: string, fallback: string) => {
    const k = `admin.permissionNames.${key.replace(/\./g, '_')}`;
    return i18n.exists(k) ? t(k) : fallback;
  };
}

/** Permissions grouped by their prefix ("member.read" -> "member"), in catalogue order. */
export function groupPermissions<T extends { key: string }>(list: T[]): { group: string; items: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const p of list) {
    const g = p.key.split('.')[0] ?? p.key;
    groups.set(g, [...(groups.get(g) ?? []), p]);
  }
  return [...groups].map(([group, items]) => ({ group, items }));
}

export function permissionGroupLabel(t: (k: string) => string, i18nExists: (k: string) => boolean, group: string) {
  const k = `admin.permissionGroups.${group}`;
  return i18nExists(k) ? t(k) : group;
}

const INVITATION_COLORS: Record<InvitationStatus, string> = { pending: 'blue', accepted: 'green', revoked: 'gray', expired: 'orange' };

export function InvitationStatusBadge({ status }: { status: InvitationStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={INVITATION_COLORS[status]}>
      {t(`admin.invitationStatus.${status}`)}
    </Badge>
  );
}

/** Rows of grey bars while a list loads. */
export function ListSkeleton({ rows = 4, height = 48 }: { rows?: number; height?: number }) {
  return (
    <Stack gap="xs" aria-hidden="true" data-testid="list-skeleton">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={height} radius="sm" />
      ))}
    </Stack>
  );
}

/** Shown instead of a screen the person may not use. */
export function NoAccess({ message }: { message?: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" title={t('admin.noAccess.title')}>
      <Stack gap="sm" align="flex-start">
        {message ?? t('admin.noAccess.hint')}
        <Group>
          <Button component={Link} to="/" variant="default" size="xs">
            {t('admin.noAccess.back')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** Splits what was typed into email addresses: commas, semicolons, spaces or new lines separate them. */
export function splitEmails(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter(Boolean))];
}
