import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { notify, notifyError } from '../../components/common';
import type { TestClock, TestClockEnvelope } from './model';

const STEPS = [1, 3, 7, 31];

/** The organization's test clock (only when the server enables test clocks): create, see its time, advance. */
export function TestClockAdmin() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const clock = useQuery({ queryKey: ['billing', 'clock'], queryFn: () => call<TestClockEnvelope>(api.GET('/api/v1/billing/test-clock')) });
  const when = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso));
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: ['billing'] });
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(false);
    }
  };
  const c = clock.data?.clock;
  return (
    <Stack component="section" aria-labelledby="clock-admin">
      <Title order={2} id="clock-admin">
        {t('billing.admin.clockHeading')}
      </Title>
      {clock.data && !clock.data.enabled ? (
        <Text c="dimmed">{t('billing.admin.clockDisabled')}</Text>
      ) : (
        <>
          <Text size="sm">{t('billing.admin.clockIntro')}</Text>
          {c ? (
            <>
              <Text fw={600} data-testid="clock-time" role="status">
                {t('billing.admin.clockNow', { date: when(c.frozenTime) })}
              </Text>
              <Text size="sm" c="dimmed">
                {t('billing.admin.clockSubs', { count: c.subscriptionCount })}
              </Text>
              <Group gap="xs">
                {STEPS.map((days) => (
                  <Button
                    key={days}
                    variant="default"
                    loading={busy}
                    onClick={() =>
                      void run(async () => {
                        const moved = await call<TestClock>(api.POST('/api/v1/billing/test-clocks/{id}/advance', { params: { path: { id: c.id } }, body: { days } }));
                        notify({ message: t('billing.admin.advanced', { date: when(moved.frozenTime), moved: moved.moved ?? 0 }) });
                      })
                    }
                  >
                    {t('billing.admin.advance', { days })}
                  </Button>
                ))}
              </Group>
            </>
          ) : (
            <Button
              w="fit-content"
              loading={busy}
              onClick={() =>
                void run(async () => {
                  await call(api.POST('/api/v1/billing/test-clocks', { body: { name: 'Demo clock' } }));
                  notify({ message: t('billing.admin.clockCreated'), color: 'green' });
                })
              }
            >
              {t('billing.admin.clockCreate')}
            </Button>
          )}
        </>
      )}
    </Stack>
  );
}
