import { Alert, Badge, Button, Group, List, Progress, Skeleton, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { Dropzone, type FileRejection } from '@mantine/dropzone';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../api';
import { bodyFieldErrors, ErrorState, formatDate, formatNumber, notify, notifyError } from '../../../components/common';
import { ReportTable } from './ReportTable';
import { type EnrollmentImport, type EnrollmentImportPage, endOfDayIso, type ImportStatus, type ImportSummary, isTerminal, rosterKeys } from './types';
import { useImportEvents } from './useImportEvents';

const MAX_BYTES = 1_000_000;
const STATUS_COLORS: Record<ImportStatus, string> = { queued: 'gray', running: 'blue', completed: 'green', failed: 'red' };

function StatusBadge({ status }: { status: ImportStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={STATUS_COLORS[status]}>
      {t(`roster.importStatus.${status}`)}
    </Badge>
  );
}

function SummaryLine({ s }: { s: ImportSummary }) {
  const { t } = useTranslation();
  return (
    <Text size="sm">
      {t('roster.csv.summary', {
        enrolled: formatNumber(s.summary.enrolled),
        already: formatNumber(s.summary.already_enrolled),
        noAccount: formatNumber(s.summary.no_account),
        invalid: formatNumber(s.summary.invalid_email),
        duplicate: formatNumber(s.summary.duplicate_in_file),
      })}
    </Text>
  );
}

/** The status of one import: live from the socket, else polled, then its per-row results. */
function ImportStatusCard({ courseId, importId, live, connected }: { courseId: string; importId: string; live: ImportSummary | undefined; connected: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const detail = useQuery({
    queryKey: rosterKeys.import(courseId, importId),
    queryFn: () =>
      call<EnrollmentImport>(api.GET('/api/v1/courses/{courseId}/enrollments/imports/{importId}', { params: { path: { courseId, importId } } })),
    refetchInterval: (q) => (q.state.data && isTerminal(q.state.data.status)) || connected ? false : 1500,
  });
  const stored = detail.data;
  // the socket says it is over but our copy does not have the results yet: fetch them
  useEffect(() => {
    if (live && isTerminal(live.status) && stored && !isTerminal(stored.status)) void detail.refetch();
  }, [live, stored, detail]);
  const finished = stored && isTerminal(stored.status) ? stored.status : null;
  // announce the end only of an import seen running here (not of an old one opened from the list)
  const watched = useRef(false);
  if (stored && !isTerminal(stored.status)) watched.current = true;
  useEffect(() => {
    if (!finished || !stored || !watched.current) return;
    watched.current = false;
    if (stored.status === 'completed') notify({ color: 'green', message: t('roster.csv.finished', { enrolled: stored.summary.enrolled }) });
    else notify({ color: 'red', message: t('roster.csv.failedToast') });
    void qc.invalidateQueries({ queryKey: ['roster', courseId, 'list'] });
    void qc.invalidateQueries({ queryKey: rosterKeys.imports(courseId) });
  }, [finished, stored, qc, courseId, t]);

  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  if (!stored) return <Skeleton height={80} />;
  const shown: ImportSummary = !isTerminal(stored.status) && live && live.processed >= stored.processed ? live : stored;
  const rowsText = t('roster.csv.rows', { processed: formatNumber(shown.processed), total: formatNumber(shown.total) });
  return (
    <Stack gap="xs" data-testid="import-status">
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('roster.csv.live')}
        </Title>
        <Group gap="xs">
          <StatusBadge status={shown.status} />
          {!isTerminal(shown.status) && (
            <Text size="xs" c="dimmed">
              {connected ? t('roster.csv.liveConnected') : t('roster.csv.livePolling')}
            </Text>
          )}
        </Group>
      </Group>
      <Progress.Root size="lg">
        <Progress.Section
          value={shown.percent}
          color={shown.status === 'failed' ? 'red' : shown.status === 'completed' ? 'green' : 'blue'}
          animated={!isTerminal(shown.status)}
          aria-label={t('roster.csv.progressLabel')}
          aria-valuetext={`${formatNumber(shown.percent)} % · ${rowsText}`}
        />
      </Progress.Root>
      <Text size="sm" aria-live="polite" data-testid="import-progress-text">
        {formatNumber(shown.percent)} % · {rowsText}
      </Text>
      {isTerminal(stored.status) && <SummaryLine s={stored} />}
      {stored.status === 'failed' && stored.error && (
        <Alert color="red" role="alert">
          {stored.error}
        </Alert>
      )}
      {isTerminal(stored.status) && stored.items.length > 0 && <ReportTable rows={stored.items} testId="import-report" />}
    </Stack>
  );
}

/** "Import a CSV": a file (picked or dropped) or pasted text, sent as a background import. */
export function CsvImport({ courseId }: { courseId: string }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const { connected, latest } = useImportEvents(true);
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [expiry, setExpiry] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [current, setCurrent] = useState<string | null>(null);
  const openRef = useRef<() => void>(null);

  const recent = useQuery({
    queryKey: rosterKeys.imports(courseId),
    queryFn: () =>
      call<EnrollmentImportPage>(api.GET('/api/v1/courses/{courseId}/enrollments/imports', { params: { path: { courseId }, query: { limit: 5 } } })),
  });

  const start = useMutation({
    mutationFn: (body: { csv: string; expiresAt?: string }) =>
      call<EnrollmentImport>(
        api.POST('/api/v1/courses/{courseId}/enrollments/imports', {
          params: { path: { courseId }, header: { 'Idempotency-Key': `import-${crypto.randomUUID()}` } },
          body,
        }),
      ),
    onSuccess: (imp) => {
      qc.setQueryData(rosterKeys.import(courseId, imp.id), imp);
      setCurrent(imp.id);
      setCsv('');
      setFileName(null);
      notify({ message: t('roster.csv.started') });
      void qc.invalidateQueries({ queryKey: rosterKeys.imports(courseId) });
    },
    onError: (e) => {
      const fields = bodyFieldErrors(e);
      setErrors(fields);
      if (!Object.keys(fields).length) notifyError(e, t);
    },
  });

  const onDrop = async (files: File[]) => {
    const file = files[0];
    if (!file) return;
    setCsv(await file.text());
    setFileName(file.name);
    setErrors({});
  };
  const onReject = (_: FileRejection[]) => setErrors({ csv: t('roster.csv.rejected') });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!csv.trim()) return setErrors({ csv: t('roster.csv.required') });
    setErrors({});
    start.mutate({ csv, ...(expiry ? { expiresAt: endOfDayIso(expiry) } : {}) });
  };

  const recentItems = recent.data?.items ?? [];
  return (
    <Stack component="section" aria-labelledby="csv-heading" gap="sm">
      <Title order={2} id="csv-heading" size="h3">
        {t('roster.csv.heading')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('roster.csv.intro')}
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Dropzone
            onDrop={(f) => void onDrop(f)}
            onReject={onReject}
            maxSize={MAX_BYTES}
            multiple={false}
            accept={['text/csv', 'text/plain', 'application/vnd.ms-excel', '.csv']}
            openRef={openRef}
            activateOnClick={false}
            activateOnKeyboard={false}
            enablePointerEvents
            data-testid="csv-dropzone"
          >
            <Stack align="center" gap={6} py="md">
              <Text fw={500} ta="center">
                {t('roster.csv.drop')}
              </Text>
              <Text size="sm" c="dimmed" ta="center">
                {t('roster.csv.dropHint')}
              </Text>
              <Button variant="light" size="xs" onClick={() => openRef.current?.()}>
                {t('roster.csv.choose')}
              </Button>
            </Stack>
          </Dropzone>
          {fileName && (
            <Text size="sm" data-testid="csv-file-name">
              {t('roster.csv.chosen', { name: fileName })}
            </Text>
          )}
          <Textarea
            label={t('roster.csv.paste')}
            placeholder={t('roster.csv.pastePlaceholder')}
            autosize
            minRows={3}
            maxRows={10}
            value={csv}
            onChange={(e) => {
              setCsv(e.currentTarget.value);
              setFileName(null);
            }}
            error={errors.csv}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <TextInput
            type="date"
            label={t('roster.csv.expiry')}
            value={expiry}
            onChange={(e) => setExpiry(e.currentTarget.value)}
            error={errors.expiresAt}
            maw={260}
          />
          <Group>
            <Button type="submit" loading={start.isPending}>
              {t('roster.csv.submit')}
            </Button>
            {csv && (
              <Button
                variant="default"
                onClick={() => {
                  setCsv('');
                  setFileName(null);
                }}
              >
                {t('roster.csv.clear')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>

      {current && <ImportStatusCard key={current} courseId={courseId} importId={current} live={latest[current]} connected={connected} />}

      <Title order={3} size="h4">
        {t('roster.csv.recent')}
      </Title>
      {recent.isPending ? (
        <Skeleton height={60} />
      ) : recent.isError ? (
        <ErrorState error={recent.error} onRetry={() => void recent.refetch()} />
      ) : recentItems.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('roster.csv.recentEmpty')}
        </Text>
      ) : (
        <List listStyleType="none" spacing="xs" data-testid="recent-imports">
          {recentItems.map((i) => {
            const s = latest[i.id] && latest[i.id]!.processed >= i.processed ? latest[i.id]! : i;
            return (
              <List.Item key={i.id}>
                <Group gap="xs" wrap="wrap">
                  <StatusBadge status={s.status} />
                  <Text size="sm">
                    {t('roster.csv.recentItem', { date: formatDate(i.createdAt, i18n.language), processed: formatNumber(s.processed), total: formatNumber(s.total) })}
                  </Text>
                  {isTerminal(s.status) && i.id !== current && (
                    <Button size="compact-sm" variant="subtle" onClick={() => setCurrent(i.id)}>
                      {t('roster.csv.showResults')}
                    </Button>
                  )}
                </Group>
              </List.Item>
            );
          })}
        </List>
      )}
    </Stack>
  );
}
