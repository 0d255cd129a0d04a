import { Avatar, Badge, Button, FileButton, Group, Paper, Select, Skeleton, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, type Me } from '../../api';
import { ErrorState, bodyFieldErrors, confirmAction, formatDate, notify, notifyError, usePageTitle } from '../../components/common';
import { SUPPORTED_LOCALES, setLocale, supportedLocale } from '../../i18n';
import { sessionKey, useMe, useSession } from '../../session';
import { ResendVerificationButton } from './ResendVerificationButton';

const AVATAR_TYPES = 'image/png,image/jpeg,image/webp,image/gif';
const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

/** A language's name in that language ("English", "español"). */
function languageName(locale: string): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
    return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
  } catch {
    return locale;
  }
}

function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const list = new Set(all);
  list.add('UTC');
  if (current) list.add(current);
  return [...list].sort();
}

export function ProfilePage() {
  const { t } = useTranslation();
  const title = t('account.profile.title');
  usePageTitle(title);
  const { user } = useSession();
  const me = useMe(!!user);

  return (
    <Stack maw={720} mx="auto" gap="lg">
      <Title order={1}>{title}</Title>
      {me.isLoading ? (
        <Stack data-testid="profile-loading">
          <Skeleton height={120} />
          <Skeleton height={320} />
        </Stack>
      ) : me.error || !me.data ? (
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      ) : (
        <>
          <AvatarCard me={me.data} />
          <EmailCard me={me.data} />
          {/* saved values coming back (or a language changed in the header) start the form afresh */}
          <ProfileForm key={[me.data.id, me.data.name, me.data.bio, me.data.locale, me.data.timezone].join('\u0000')} me={me.data} />
        </>
      )}
    </Stack>
  );
}

function AvatarCard({ me }: { me: Me }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState<'upload' | 'remove' | null>(null);

  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);

  const upload = async (file: File | null) => {
    if (!file || busy) return;
    if (file.size > AVATAR_MAX_BYTES) {
      notify({ color: 'red', title: t('errors.title'), message: t('account.avatar.tooBig') });
      return;
    }
    setPreview(URL.createObjectURL(file));
    setBusy('upload');
    try {
      const form = new FormData();
      form.append('file', file);
      const updated = await call<Me>(api.PUT('/api/v1/me/avatar', { body: { file: file.name }, bodySerializer: () => form }));
      qc.setQueryData(['me'], updated);
      notify({ color: 'green', message: t('account.avatar.saved') });
    } catch (err) {
      notifyError(err, t);
    } finally {
      setPreview(null);
      setBusy(null);
    }
  };

  const remove = async () => {
    if (busy) return;
    const ok = await confirmAction({
      title: t('account.avatar.removeTitle'),
      message: t('account.avatar.removeMessage'),
      confirmLabel: t('account.avatar.remove'),
    });
    if (!ok) return;
    setBusy('remove');
    try {
      const updated = await call<Me>(api.DELETE('/api/v1/me/avatar'));
      qc.setQueryData(['me'], updated);
      notify({ message: t('account.avatar.removed') });
    } catch (err) {
      notifyError(err, t);
    } finally {
      setBusy(null);
    }
  };

  const src = preview ?? me.image;
  return (
    <Paper withBorder p="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('account.avatar.title')}
        </Title>
        <Group wrap="wrap" gap="md">
          <Avatar src={src} alt={src ? t('account.avatar.alt', { name: me.name }) : undefined} size={88} radius="xl" color="indigo">
            {me.name.slice(0, 1).toUpperCase()}
          </Avatar>
          <Stack gap="xs">
            <Group gap="xs">
              <FileButton onChange={(f) => void upload(f)} accept={AVATAR_TYPES}>
                {(props) => (
                  <Button {...props} loading={busy === 'upload'} disabled={busy === 'remove'}>
                    {me.image ? t('account.avatar.change') : t('account.avatar.upload')}
                  </Button>
                )}
              </FileButton>
              {me.image && (
                <Button variant="default" color="red" loading={busy === 'remove'} disabled={busy === 'upload'} onClick={() => void remove()}>
                  {t('account.avatar.remove')}
                </Button>
              )}
            </Group>
            <Text size="sm" c="dimmed">
              {t('account.avatar.hint')}
            </Text>
          </Stack>
        </Group>
      </Stack>
    </Paper>
  );
}

function EmailCard({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  return (
    <Paper withBorder p="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('account.email.title')}
        </Title>
        <Group gap="sm" wrap="wrap">
          <TextInput label={t('auth.email')} value={me.email} readOnly w={{ base: '100%', xs: 320 }} description={t('account.email.readOnly')} />
          <Badge color={me.emailVerified ? 'green' : 'yellow'} variant="light" data-testid="email-state">
            {me.emailVerified ? t('account.email.verified') : t('account.email.notVerified')}
          </Badge>
        </Group>
        {!me.emailVerified && (
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{t('account.email.notVerifiedHint')}</Text>
            <ResendVerificationButton email={me.email} />
          </Stack>
        )}
        <Text size="sm" c="dimmed">
          {t('account.email.memberSince', { date: formatDate(me.createdAt, i18n.language) })}
        </Text>
      </Stack>
    </Paper>
  );
}

type Field = 'name' | 'bio' | 'locale' | 'timezone';

function ProfileForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const initial = useMemo(
    () => ({ name: me.name, bio: me.bio, locale: supportedLocale(me.locale) ?? me.locale, timezone: me.timezone }),
    [me],
  );
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [saving, setSaving] = useState(false);
  const zones = useMemo(() => timeZones(me.timezone), [me.timezone]);
  const locales = useMemo(() => {
    const list: string[] = [...SUPPORTED_LOCALES];
    if (!list.includes(initial.locale)) list.push(initial.locale);
    return list.map((l) => ({ value: l, label: languageName(l) }));
  }, [initial.locale]);

  const set = <K extends Field>(f: K, value: string) => {
    setValues((v) => ({ ...v, [f]: value }));
    setErrors((e) => ({ ...e, [f]: undefined }));
  };
  const changed = (Object.keys(values) as Field[]).filter((k) => values[k] !== initial[k]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const errs: Partial<Record<Field, string>> = {};
    if (!values.name.trim()) errs.name = t('auth.required');
    if (values.bio.length > 2000) errs.bio = t('account.profile.bioTooLong');
    setErrors(errs);
    const first = Object.keys(errs)[0];
    if (first) {
      document.getElementById(`profile-${first}`)?.focus();
      return;
    }
    if (changed.length === 0) return;
    const body = Object.fromEntries(changed.map((k) => [k, k === 'name' || k === 'bio' ? values[k].trim() : values[k]]));
    setSaving(true);
    try {
      const updated = await call<Me>(api.PATCH('/api/v1/me', { body }));
      qc.setQueryData(['me'], updated);
      const locale = supportedLocale(updated.locale);
      if (changed.includes('locale') && locale) setLocale(locale);
      if (changed.includes('name')) await qc.invalidateQueries({ queryKey: sessionKey });
      notify({ color: 'green', message: t('account.profile.saved') });
    } catch (err) {
      const fields = bodyFieldErrors(err);
      const known = (Object.keys(fields) as string[]).filter((f): f is Field => ['name', 'bio', 'locale', 'timezone'].includes(f));
      if (known.length > 0) {
        setErrors(Object.fromEntries(known.map((f) => [f, fields[f]])));
        document.getElementById(`profile-${known[0]}`)?.focus();
      } else notifyError(err, t);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Paper withBorder p="lg">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Title order={2} size="h4">
            {t('account.profile.details')}
          </Title>
          <TextInput
            id="profile-name"
            label={t('auth.name')}
            autoComplete="name"
            required
            maxLength={100}
            value={values.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            error={errors.name}
          />
          <Textarea
            id="profile-bio"
            label={t('account.profile.bio')}
            description={t('account.profile.bioHint')}
            autosize
            minRows={3}
            maxRows={10}
            value={values.bio}
            onChange={(e) => set('bio', e.currentTarget.value)}
            error={errors.bio}
          />
          <Select
            id="profile-locale"
            label={t('account.profile.language')}
            description={t('account.profile.languageHint')}
            data={locales}
            value={values.locale}
            onChange={(v) => v && set('locale', v)}
            allowDeselect={false}
            error={errors.locale}
          />
          <Select
            id="profile-timezone"
            label={t('account.profile.timezone')}
            description={t('account.profile.timezoneHint')}
            data={zones}
            value={values.timezone}
            onChange={(v) => v && set('timezone', v)}
            searchable
            allowDeselect={false}
            nothingFoundMessage={t('account.profile.noTimezone')}
            limit={50}
            error={errors.timezone}
          />
          <Group justify="flex-end">
            <Button variant="default" disabled={changed.length === 0 || saving} onClick={() => setValues(initial)}>
              {t('account.profile.reset')}
            </Button>
            <Button type="submit" loading={saving} disabled={changed.length === 0}>
              {t('account.profile.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
