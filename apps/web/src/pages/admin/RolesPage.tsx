import { Badge, Button, Card, Checkbox, Group, List, Modal, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '@lyceum/api-client';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, EmptyState, ErrorState, notify, notifyError, usePageTitle } from '../../components/common';
import { useOrgAdmin } from './OrgAdminLayout';
import {
  groupPermissions,
  ListSkeleton,
  NoAccess,
  orgKeys,
  permissionGroupLabel,
  useOrgRoles,
  usePermissionCatalogue,
  usePermissionLabel,
  useRoleLabel,
  type OrgRole,
  type PermissionCatalogue,
} from './shared';

type Permission = PermissionCatalogue['permissions'][number];
type PermissionKey = components['schemas']['CreateRoleDto']['permissions'][number];

/** "Course reviewer" -> "course_reviewer": a role key the server accepts. */
function keyFromName(name: string): string {
  const base = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 40);
  return base.length >= 2 ? base : '';
}

function PermissionList({ keys, catalogue }: { keys: string[]; catalogue: Permission[] }) {
  const { t } = useTranslation();
  const label = usePermissionLabel();
  if (keys.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('admin.roles.noPermissions')}
      </Text>
    );
  return (
    <List size="sm" spacing={2}>
      {catalogue
        .filter((p) => keys.includes(p.key))
        .map((p) => (
          <List.Item key={p.key}>{label(p.key, p.description)}</List.Item>
        ))}
    </List>
  );
}

interface Draft {
  name: string;
  key: string;
  keyTouched: boolean;
  description: string;
  permissions: string[];
}

function RoleEditor({
  orgId,
  role,
  catalogue,
  opened,
  onClose,
}: {
  orgId: string;
  role: OrgRole | null;
  catalogue: Permission[];
  opened: boolean;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const label = usePermissionLabel();
  const [draft, setDraft] = useState<Draft>(() =>
    role
      ? { name: role.name, key: role.key, keyTouched: true, description: role.description, permissions: role.permissions }
      : { name: '', key: '', keyTouched: false, description: '', permissions: [] },
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const clear = (field: string) =>
    setErrors((er) => {
      const { [field]: _removed, ...rest } = er;
      return rest;
    });

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const errs: Record<string, string> = {};
    if (!draft.name.trim()) errs.name = t('admin.roles.nameRequired');
    if (!role && !/^[a-z][a-z0-9_]{1,39}$/.test(draft.key)) errs.key = t('admin.roles.keyInvalid');
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setSaving(true);
    try {
      const permissions = catalogue.map((p) => p.key).filter((k) => draft.permissions.includes(k)) as PermissionKey[];
      if (role?.id) {
        await call<OrgRole>(
          api.PATCH('/api/v1/organizations/{id}/roles/{roleId}', {
            params: { path: { id: orgId, roleId: role.id } },
            body: { name: draft.name.trim(), description: draft.description.trim(), permissions },
          }),
        );
        notify({ color: 'green', message: t('admin.roles.updated', { name: draft.name.trim() }) });
      } else {
        await call<OrgRole>(
          api.POST('/api/v1/organizations/{id}/roles', {
            params: { path: { id: orgId } },
            body: { key: draft.key, name: draft.name.trim(), description: draft.description.trim(), permissions },
          }),
        );
        notify({ color: 'green', message: t('admin.roles.created', { name: draft.name.trim() }) });
      }
      await qc.invalidateQueries({ queryKey: orgKeys.roles(orgId) });
      await qc.invalidateQueries({ queryKey: ['me', 'organizations'] });
      onClose();
    } catch (err) {
      const fields = bodyFieldErrors(err);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else notifyError(err, t);
    } finally {
      setSaving(false);
    }
  };

  const permissionError = Object.entries(errors).find(([k]) => k === 'permissions' || k.startsWith('permissions.'))?.[1];

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={role ? t('admin.roles.editTitle', { name: role.name }) : t('admin.roles.createTitle')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('app.close') }}
    >
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <Stack>
          <TextInput
            label={t('admin.roles.name')}
            required
            data-autofocus
            value={draft.name}
            onChange={(e) => {
              const name = e.currentTarget.value;
              setDraft((d) => ({ ...d, name, key: d.keyTouched ? d.key : keyFromName(name) }));
              clear('name');
              if (!draft.keyTouched) clear('key');
            }}
            error={errors.name}
          />
          {!role && (
            <TextInput
              label={t('admin.roles.key')}
              description={t('admin.roles.keyHint')}
              required
              value={draft.key}
              onChange={(e) => {
                const key = e.currentTarget.value;
                setDraft((d) => ({ ...d, key, keyTouched: true }));
                clear('key');
              }}
              error={errors.key}
            />
          )}
          <Textarea
            label={t('admin.roles.description')}
            autosize
            minRows={2}
            value={draft.description}
            onChange={(e) => {
              const description = e.currentTarget.value;
              setDraft((d) => ({ ...d, description }));
              clear('description');
            }}
            error={errors.description}
          />
          <Stack gap="sm">
            <Text fw={500} size="sm" id="role-permissions-label">
              {t('admin.roles.permissions')}
            </Text>
            {groupPermissions(catalogue).map(({ group, items }) => (
              <Checkbox.Group
                key={group}
                label={permissionGroupLabel(t, (k) => i18n.exists(k), group)}
                value={draft.permissions.filter((p) => items.some((i) => i.key === p))}
                onChange={(values) => {
                  setDraft((d) => ({ ...d, permissions: [...d.permissions.filter((p) => !items.some((i) => i.key === p)), ...values] }));
                  clear('permissions');
                }}
              >
                <Stack gap={6} mt={6}>
                  {items.map((p) => (
                    <Checkbox key={p.key} value={p.key} label={label(p.key, p.description)} description={p.key} />
                  ))}
                </Stack>
              </Checkbox.Group>
            ))}
            {permissionError && (
              <Text c="red" size="sm" role="alert">
                {permissionError}
              </Text>
            )}
          </Stack>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={saving}>
              {role ? t('admin.roles.save') : t('admin.roles.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function RolesPage() {
  const { t } = useTranslation();
  usePageTitle(t('admin.roles.title'));
  const { org, can } = useOrgAdmin();
  const roleLabel = useRoleLabel();
  const qc = useQueryClient();
  const roles = useOrgRoles(org.id, can('member.read'));
  const catalogue = usePermissionCatalogue();
  const [editing, setEditing] = useState<{ role: OrgRole | null; n: number } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const canManage = can('role.manage');

  if (!can('member.read')) return <NoAccess />;

  const remove = async (role: OrgRole) => {
    if (!role.id) return;
    const ok = await confirmAction({
      title: t('admin.roles.deleteTitle'),
      message: t('admin.roles.deleteMessage', { name: role.name }),
      confirmLabel: t('admin.roles.deleteConfirm'),
    });
    if (!ok) return;
    setDeleting(role.id);
    try {
      await call(api.DELETE('/api/v1/organizations/{id}/roles/{roleId}', { params: { path: { id: org.id, roleId: role.id } } }));
      notify({ message: t('admin.roles.deleted', { name: role.name }) });
      await qc.invalidateQueries({ queryKey: orgKeys.roles(org.id) });
    } catch (e) {
      notifyError(e, t);
    } finally {
      setDeleting(null);
    }
  };

  const builtin = roles.data?.items.filter((r) => r.builtin) ?? [];
  const custom = roles.data?.items.filter((r) => !r.builtin) ?? [];
  const perms = catalogue.data?.permissions ?? [];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={1}>{t('admin.roles.title')}</Title>
        {canManage && (
          <Button onClick={() => setEditing({ role: null, n: Date.now() })} disabled={!catalogue.data}>
            {t('admin.roles.new')}
          </Button>
        )}
      </Group>
      {roles.isPending || catalogue.isPending ? (
        <ListSkeleton rows={3} height={120} />
      ) : roles.isError ? (
        <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />
      ) : catalogue.isError ? (
        <ErrorState error={catalogue.error} onRetry={() => void catalogue.refetch()} />
      ) : (
        <>
          <Stack gap="sm">
            <Title order={2} size="h3">
              {t('admin.roles.customTitle')}
            </Title>
            {custom.length === 0 ? (
              <EmptyState
                title={t('admin.roles.customEmpty')}
                hint={canManage ? t('admin.roles.customEmptyHint') : t('admin.roles.customEmptyReadOnly')}
                action={
                  canManage ? (
                    <Button variant="light" onClick={() => setEditing({ role: null, n: Date.now() })}>
                      {t('admin.roles.new')}
                    </Button>
                  ) : undefined
                }
              />
            ) : (
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                {custom.map((r) => (
                  <Card key={r.key} withBorder component="article" data-testid="custom-role">
                    <Stack gap="xs">
                      <Group justify="space-between" wrap="nowrap" align="flex-start">
                        <div>
                          <Title order={3} size="h4">
                            {r.name}
                          </Title>
                          <Text size="xs" c="dimmed">
                            {r.key}
                          </Text>
                        </div>
                        {canManage && (
                          <Group gap="xs" wrap="nowrap">
                            <Button size="xs" variant="default" onClick={() => setEditing({ role: r, n: Date.now() })} aria-label={t('admin.roles.editLabel', { name: r.name })}>
                              {t('admin.roles.edit')}
                            </Button>
                            <Button
                              size="xs"
                              variant="outline"
                              color="red"
                              loading={deleting === r.id}
                              onClick={() => void remove(r)}
                              aria-label={t('admin.roles.deleteLabel', { name: r.name })}
                            >
                              {t('admin.roles.delete')}
                            </Button>
                          </Group>
                        )}
                      </Group>
                      {r.description && <Text size="sm">{r.description}</Text>}
                      <PermissionList keys={r.permissions} catalogue={perms} />
                    </Stack>
                  </Card>
                ))}
              </SimpleGrid>
            )}
          </Stack>
          <Stack gap="sm">
            <Title order={2} size="h3">
              {t('admin.roles.builtinTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('admin.roles.builtinHint')}
            </Text>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {builtin.map((r) => (
                <Card key={r.key} withBorder component="article" data-testid="builtin-role">
                  <Stack gap="xs">
                    <Group gap="xs">
                      <Title order={3} size="h4">
                        {roleLabel(r.key, r.name)}
                      </Title>
                      <Badge variant="light" color="gray">
                        {t('admin.roles.builtinBadge')}
                      </Badge>
                    </Group>
                    <PermissionList keys={r.permissions} catalogue={perms} />
                  </Stack>
                </Card>
              ))}
            </SimpleGrid>
          </Stack>
        </>
      )}
      {editing && catalogue.data && (
        <RoleEditor key={editing.n} orgId={org.id} role={editing.role} catalogue={perms} opened onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}
