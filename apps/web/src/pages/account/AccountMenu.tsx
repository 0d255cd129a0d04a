import { Button, Group, Menu, Modal, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api';
import { bodyFieldErrors, notify, notifyError } from '../../components/common';
import { usePermissions, type SessionUser } from '../../session';

function CheckIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="3" aria-hidden="true">
      <path d="M5 12l5 5L20 7" />
    </svg>
  );
}

/**
 * The account menu in the header: the user's organizations (the active one checked, others to
 * switch to), creating an organization, the account pages and signing out.
 */
export function AccountMenu({ user, onSignOut }: { user: SessionUser; onSignOut: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { organizations, activeOrganization } = usePermissions();
  const [createOpen, create] = useDisclosure(false);

  const switchTo = async (id: string) => {
    const name = organizations.find((o) => o.id === id)?.name ?? '';
    if (id === activeOrganization?.id) return;
    try {
      await call(api.PUT('/api/v1/me/active-organization', { body: { organizationId: id } }));
      // permissions, nav links and every organization-scoped list follow the new organization
      await qc.invalidateQueries();
      notify({ message: t('account.orgs.switched', { name }) });
    } catch (err) {
      notifyError(err, t);
    }
  };

  return (
    <>
      <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
        <Menu.Target>
          <UnstyledButton aria-label={t('nav.account', { name: user.name })} px="xs" py={6}>
            <Text size="sm" fw={500} truncate maw={120}>
              {user.name}
            </Text>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown maw={300}>
          <Menu.Label>{user.email}</Menu.Label>
          <Menu.Item component={Link} to="/account">
            {t('nav.profile')}
          </Menu.Item>
          <Menu.Item component={Link} to="/account/security">
            {t('nav.security')}
          </Menu.Item>
          <Menu.Item component={Link} to="/my-certificates">
            {t('certificates.menu')}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Label>{t('account.orgs.label')}</Menu.Label>
          <Menu.RadioGroup value={activeOrganization?.id ?? null} onChange={(id) => void switchTo(id)}>
            {organizations.map((o) => (
              <Menu.RadioItem key={o.id} value={o.id} closeMenuOnClick checkIcon={<CheckIcon />}>
                <Text size="sm" truncate>
                  {o.name}
                </Text>
              </Menu.RadioItem>
            ))}
          </Menu.RadioGroup>
          <Menu.Item onClick={create.open}>{t('account.orgs.create')}</Menu.Item>
          <Menu.Divider />
          <Menu.Item onClick={onSignOut}>{t('nav.signOut')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <CreateOrganizationModal opened={createOpen} onClose={create.close} />
    </>
  );
}

function CreateOrganizationModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const close = () => {
    if (busy) return;
    setName('');
    setError(undefined);
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const value = name.trim();
    if (value.length < 2) {
      setError(value ? t('account.orgs.nameTooShort') : t('auth.required'));
      document.getElementById('create-org-name')?.focus();
      return;
    }
    setBusy(true);
    try {
      const org = await call<{ name: string }>(api.POST('/api/v1/organizations', { body: { name: value, settings: {} } }));
      await qc.invalidateQueries();
      notify({ color: 'green', message: t('account.orgs.created', { name: org.name }) });
      setBusy(false);
      setName('');
      onClose();
    } catch (err) {
      setBusy(false);
      const fields = bodyFieldErrors(err);
      if (fields.name) setError(fields.name);
      else notifyError(err, t);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={t('account.orgs.createTitle')} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">{t('account.orgs.createIntro')}</Text>
          <TextInput
            id="create-org-name"
            label={t('account.orgs.name')}
            required
            maxLength={120}
            data-autofocus
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setError(undefined);
            }}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('account.orgs.createSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
