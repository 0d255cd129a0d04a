import { Alert, Button, Center, Group, Loader, Progress, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import i18n, { type TFunction } from 'i18next';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';

/** Sets the document title for the page ("Catalog · Lyceum"). */
export function usePageTitle(title: string | undefined) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = title ? `${title} · ${t('app.name')}` : t('app.name');
  }, [title, t]);
}

/** A human message for an error: the server's problem detail, or a generic one. */
export function errorMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('errors.network');
    return error.problem.detail ?? error.problem.message ?? error.problem.title ?? t('errors.generic');
  }
  return t('errors.generic');
}

/** Show an error that is not about a single field as a notification. */
export function notifyError(error: unknown, t: TFunction) {
  notify({ color: 'red', title: t('errors.title'), message: errorMessage(error, t) });
}

/** A notification (toast) whose close button is labelled in the current language. */
export function notify(opts: { message: string; title?: string; color?: string }) {
  notifications.show({ ...opts, closeButtonProps: { 'aria-label': i18n.t('app.closeNotification') } });
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" title={t('errors.title')} role="alert">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{errorMessage(error, t)}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            {t('errors.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ title, hint, action }: { title: string; hint?: string; action?: ReactNode }) {
  return (
    <Center py="xl">
      <Stack align="center" gap="xs" maw={420} ta="center">
        <Title order={2} size="h4">
          {title}
        </Title>
        {hint && <Text c="dimmed">{hint}</Text>}
        {action}
      </Stack>
    </Center>
  );
}

export function CourseProgress({ percent, completed, total }: { percent: number; completed: number; total: number }) {
  const { t } = useTranslation();
  const label = t('progress.percent', { percent: formatNumber(percent) });
  return (
    <Stack gap={4}>
      <Progress.Root size="md">
        <Progress.Section value={percent} aria-label={t('progress.label')} aria-valuetext={label} />
      </Progress.Root>
      <Text size="sm" c="dimmed">
        {label} · {t('progress.lessons', { completed, total })}
      </Text>
    </Stack>
  );
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(document.documentElement.lang || undefined).format(n);
}

export function formatDate(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(iso));
}

/** A spinner announced once to screen readers (a status region, not a label on the spinner's span). */
export function PageLoading() {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status">
      <Loader aria-hidden />
      <VisuallyHidden>{t('app.loading')}</VisuallyHidden>
    </Center>
  );
}

/**
 * Field messages of a problem+json answer, keyed by the request body's field path without the
 * `body.` prefix (`{ title: '…', 'sections.0.title': '…' }`); empty for other errors.
 */
export function bodyFieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(error.fieldErrors)) out[field.replace(/^body\./, '')] = message;
  return out;
}

/**
 * Asks before a destructive action; resolves true when the person confirms. The confirm button
 * is red and the dialog is labelled by its title.
 */
export function confirmAction(opts: { title: string; message: string; confirmLabel: string; cancelLabel?: string }): Promise<boolean> {
  return new Promise((resolve) => {
    modals.openConfirmModal({
      title: opts.title,
      children: <Text size="sm">{opts.message}</Text>,
      labels: { confirm: opts.confirmLabel, cancel: opts.cancelLabel ?? i18n.t('app.cancel') },
      confirmProps: { color: 'red' },
      closeButtonProps: { 'aria-label': i18n.t('app.close') },
      onConfirm: () => resolve(true),
      onCancel: () => resolve(false),
      onClose: () => resolve(false),
    });
  });
}

/** "Show more" under a cursor-paginated list (a TanStack infinite query); nothing when there is no next page. */
export function LoadMore({ query, label }: { query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown }; label: string }) {
  if (!query.hasNextPage) return null;
  return (
    <Group justify="center">
      <Button variant="default" loading={query.isFetchingNextPage} disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
        {label}
      </Button>
    </Group>
  );
}
