import { Alert, Button, Group, Paper, Select, Skeleton, Stack, Switch, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, errorMessage, ErrorState, notify, notifyError, usePageTitle } from '../../components/common';
import { useOrgAdmin } from './OrgAdminLayout';
import { orgKeys, type Organization } from './shared';

const LOCALES = ['en', 'es', 'pt-BR', 'fr', 'de', 'it'];

interface Values {
  name: string;
  slug: string;
  defaultLocale: string | null;
  timezone: string | null;
  allowSelfEnrollment: boolean;
  website: string;
}

function valuesOf(org: Organization): Values {
  return {
    name: org.name,
    slug: org.slug,
    defaultLocale: org.settings.defaultLocale ?? null,
    timezone: org.settings.timezone ?? null,
    allowSelfEnrollment: org.settings.allowSelfEnrollment ?? false,
    website: org.settings.website ?? '',
  };
}

function useTimeZones(): string[] {
  return useMemo(() => {
    const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
    const zones = intl.supportedValuesOf?.('timeZone') ?? [];
    return zones.includes('UTC') ? zones : ['UTC', ...zones];
  }, []);
}

export function OrgSettingsPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('admin.settings.title'));
  const { org, can } = useOrgAdmin();
  const canEdit = can('organization.update');
  const qc = useQueryClient();
  const zones = useTimeZones();
  const query = useQuery({
    queryKey: orgKeys.organization(org.id),
    queryFn: () => call<Organization>(api.GET('/api/v1/organizations/{id}', { params: { path: { id: org.id } } })),
  });
  const [values, setValues] = useState<Values | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (query.data) setValues(valuesOf(query.data));
  }, [query.data]);

  const languageNames = useMemo(() => {
    try {
      return new Intl.DisplayNames([i18n.language], { type: 'language' });
    } catch {
      return null;
    }
  }, [i18n.language]);
  const localeOptions = [...new Set([...LOCALES, ...(values?.defaultLocale ? [values.defaultLocale] : [])])].map((l) => ({
    value: l,
    label: languageNames?.of(l) ?? l,
  }));

  const save = useMutation({
    mutationFn: (v: Values) =>
      call<Organization>(
        api.PATCH('/api/v1/organizations/{id}', {
          params: { path: { id: org.id } },
          body: {
            name: v.name.trim(),
            slug: v.slug.trim(),
            settings: {
              defaultLocale: v.defaultLocale,
              timezone: v.timezone,
              allowSelfEnrollment: v.allowSelfEnrollment,
              website: v.website.trim() || null,
            },
          },
        }),
      ),
    onSuccess: async (updated) => {
      qc.setQueryData(orgKeys.organization(org.id), updated);
      await qc.invalidateQueries({ queryKey: ['me', 'organizations'] });
      notify({ color: 'green', message: t('admin.settings.saved') });
    },
    onError: (e) => {
      const fields = bodyFieldErrors(e);
      if (e instanceof ApiError && e.code === 'slug_taken') setErrors({ slug: errorMessage(e, t) });
      else if (Object.keys(fields).length > 0) setErrors(fields);
      else notifyError(e, t);
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!values || save.isPending) return;
    const errs: Record<string, string> = {};
    if (values.name.trim().length < 2) errs.name = t('admin.settings.nameTooShort');
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    save.mutate(values);
  };

  const set = <K extends keyof Values>(key: K, value: Values[K], errorKey: string = key) => {
    setValues((v) => (v ? { ...v, [key]: value } : v));
    setErrors((er) => {
      const { [errorKey]: _removed, ...rest } = er;
      return rest;
    });
  };

  return (
    <Stack>
      <Title order={1}>{t('admin.settings.title')}</Title>
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : !values ? (
        <Stack gap="md" aria-hidden="true">
          {Array.from({ length: 5 }, (_, i) => (
            <Skeleton key={i} height={56} />
          ))}
        </Stack>
      ) : (
        <Paper withBorder p="md" maw={640}>
          <form onSubmit={onSubmit} noValidate>
            <Stack>
              {!canEdit && <Alert color="blue">{t('admin.settings.readOnly')}</Alert>}
              <TextInput
                label={t('admin.settings.name')}
                required
                disabled={!canEdit}
                value={values.name}
                onChange={(e) => set('name', e.currentTarget.value)}
                error={errors.name}
              />
              <TextInput
                label={t('admin.settings.slug')}
                description={t('admin.settings.slugHint')}
                disabled={!canEdit}
                value={values.slug}
                onChange={(e) => set('slug', e.currentTarget.value)}
                error={errors.slug}
              />
              <Select
                label={t('admin.settings.defaultLocale')}
                placeholder={t('admin.settings.notSet')}
                clearable
                disabled={!canEdit}
                data={localeOptions}
                value={values.defaultLocale}
                onChange={(v) => set('defaultLocale', v, 'settings.defaultLocale')}
                error={errors['settings.defaultLocale']}
              />
              <Select
                label={t('admin.settings.timezone')}
                placeholder={t('admin.settings.notSet')}
                searchable
                clearable
                limit={50}
                disabled={!canEdit}
                data={[...new Set([...zones, ...(values.timezone ? [values.timezone] : [])])]}
                value={values.timezone}
                onChange={(v) => set('timezone', v, 'settings.timezone')}
                error={errors['settings.timezone']}
                nothingFoundMessage={t('admin.settings.noTimezone')}
              />
              <Switch
                label={t('admin.settings.allowSelfEnrollment')}
                description={t('admin.settings.allowSelfEnrollmentHint')}
                disabled={!canEdit}
                checked={values.allowSelfEnrollment}
                onChange={(e) => set('allowSelfEnrollment', e.currentTarget.checked, 'settings.allowSelfEnrollment')}
                error={errors['settings.allowSelfEnrollment']}
              />
              <TextInput
                label={t('admin.settings.website')}
                placeholder="https://example.org"
                type="url"
                disabled={!canEdit}
                value={values.website}
                onChange={(e) => set('website', e.currentTarget.value, 'settings.website')}
                error={errors['settings.website']}
              />
              {canEdit && (
                <Group>
                  <Button type="submit" loading={save.isPending}>
                    {t('admin.settings.save')}
                  </Button>
                </Group>
              )}
            </Stack>
          </form>
        </Paper>
      )}
    </Stack>
  );
}
