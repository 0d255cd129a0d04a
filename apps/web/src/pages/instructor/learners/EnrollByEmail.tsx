import { Button, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../api';
import { bodyFieldErrors, notify, notifyError } from '../../../components/common';
import { ReportTable } from './ReportTable';
import { type EnrollReport, endOfDayIso, rosterKeys } from './types';

const MAX_EMAILS = 500;

/** "Enroll learners": emails typed or pasted, an optional end date, then a result per email. */
export function EnrollByEmail({ courseId }: { courseId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [expiry, setExpiry] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [report, setReport] = useState<EnrollReport | null>(null);

  const enroll = useMutation({
    mutationFn: (body: { emails: string[]; expiresAt?: string }) =>
      call<EnrollReport>(api.POST('/api/v1/courses/{courseId}/enrollments', { params: { path: { courseId } }, body })),
    onSuccess: (r) => {
      setReport(r);
      setText('');
      notify({ color: 'green', message: t('roster.enroll.done', { count: r.summary.enrolled }) });
      void qc.invalidateQueries({ queryKey: rosterKeys.all(courseId) });
    },
    onError: (e) => {
      const fields = bodyFieldErrors(e);
      const mapped: Record<string, string> = {};
      for (const [k, v] of Object.entries(fields)) mapped[k.startsWith('emails') ? 'emails' : k] = v;
      setErrors(mapped);
      if (!Object.keys(mapped).length) notifyError(e, t);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const emails = text.split(/[\s,;]+/).filter(Boolean);
    if (!emails.length) return setErrors({ emails: t('roster.enroll.emailsRequired') });
    if (emails.length > MAX_EMAILS) return setErrors({ emails: t('roster.enroll.tooMany') });
    setErrors({});
    enroll.mutate({ emails, ...(expiry ? { expiresAt: endOfDayIso(expiry) } : {}) });
  };

  return (
    <Stack component="section" aria-labelledby="enroll-heading" gap="sm">
      <Title order={2} id="enroll-heading" size="h3">
        {t('roster.enroll.heading')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('roster.enroll.intro')}
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Textarea
            label={t('roster.enroll.emails')}
            description={t('roster.enroll.emailsHint')}
            placeholder={t('roster.enroll.emailsPlaceholder')}
            autosize
            minRows={2}
            maxRows={8}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={errors.emails}
            required
          />
          <TextInput
            type="date"
            label={t('roster.enroll.expiry')}
            description={t('roster.enroll.expiryHint')}
            value={expiry}
            onChange={(e) => setExpiry(e.currentTarget.value)}
            error={errors.expiresAt}
            maw={260}
          />
          <Group>
            <Button type="submit" loading={enroll.isPending}>
              {t('roster.enroll.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
      {report && (
        <Stack gap="xs" aria-live="polite">
          <Title order={3} size="h4">
            {t('roster.enroll.resultsHeading')}
          </Title>
          <ReportTable rows={report.items} testId="enroll-report" />
        </Stack>
      )}
    </Stack>
  );
}
