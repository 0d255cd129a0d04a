import { ActionIcon, Button, Card, Group, NumberInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@lyceum/api-client';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, notify, notifyError } from '../../components/common';

type S = components['schemas'];
type RuleList = S['CommissionRuleListDto_Output'];
type Rule = S['CommissionRuleDto_Output'];
type CourseSummaryPage = S['CourseSummaryPageDto_Output'];
type PlanPage = S['PlanPageDto_Output'];

const rulesKey = ['affiliate', 'rules'] as const;

/** Basis points as a percent for people: 1250 -> "12.5". */
export const bpToPercent = (bp: number) => String(bp / 100);
/** A percent typed by a person -> basis points (null when it is not 0–100 with at most two decimals). */
export function percentToBp(v: string | number): number | null {
  const n = typeof v === 'number' ? v : Number(String(v).replace(',', '.'));
  if (String(v).trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) return null;
  const bp = Math.round(n * 100);
  return Math.abs(bp - n * 100) < 1e-6 ? bp : null;
}

/** Admins: the commission of one course or plan over the default; list and remove rules. */
export function CommissionRulesCard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const rules = useQuery({ queryKey: rulesKey, queryFn: () => call<RuleList>(api.GET('/api/v1/affiliates/rules')) });
  const courses = useQuery({ queryKey: ['affiliate', 'courses'], queryFn: () => call<CourseSummaryPage>(api.GET('/api/v1/courses', { params: { query: { limit: 100 } } })) });
  const plans = useQuery({ queryKey: ['affiliate', 'plans'], queryFn: () => call<PlanPage>(api.GET('/api/v1/billing/plans', { params: { query: { limit: 100 } } })) });
  const [kind, setKind] = useState<'course' | 'plan'>('course');
  const [targetId, setTargetId] = useState<string | null>(null);
  const [percent, setPercent] = useState<string | number>('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const names = new Map<string, string>([...(courses.data?.items ?? []).map((c) => [c.id, c.title] as const), ...(plans.data?.items ?? []).map((p) => [p.id, p.name] as const)]);
  const options = kind === 'course' ? (courses.data?.items ?? []).map((c) => ({ value: c.id, label: c.title })) : (plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }));
  const save = useMutation({
    mutationFn: (body: { targetKind: 'course' | 'plan'; targetId: string; commissionBp: number }) => call<Rule>(api.PUT('/api/v1/affiliates/rules', { body })),
    onSuccess: async () => {
      notify({ color: 'green', message: t('growth.affiliate.ruleSaved') });
      setTargetId(null);
      setPercent('');
      await qc.invalidateQueries({ queryKey: rulesKey });
    },
    onError: (e) => {
      if (e instanceof ApiError && (e.status === 400 || e.status === 422)) setErrors(bodyFieldErrors(e));
      else notifyError(e, t);
    },
  });
  const remove = useMutation({
    mutationFn: (ruleId: string) => call(api.DELETE('/api/v1/affiliates/rules/{ruleId}', { params: { path: { ruleId } } })),
    onSuccess: async () => {
      notify({ color: 'green', message: t('growth.affiliate.ruleRemoved') });
      await qc.invalidateQueries({ queryKey: rulesKey });
    },
    onError: (e) => notifyError(e, t),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    const bp = percentToBp(percent);
    if (!targetId) next.targetId = kind === 'course' ? t('growth.affiliate.chooseCourse') : t('growth.affiliate.choosePlan');
    if (bp === null) next.commissionBp = t('growth.affiliate.percentInvalid');
    setErrors(next);
    if (targetId && bp !== null) save.mutate({ targetKind: kind, targetId, commissionBp: bp });
  };
  const items = rules.data?.items ?? [];
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="aff-rules">
      <Stack>
        <Title order={2} size="h3" id="aff-rules">
          {t('growth.affiliate.rules')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('growth.affiliate.rulesIntro')}
        </Text>
        <form onSubmit={submit} noValidate aria-label={t('growth.affiliate.addRule')}>
          <Group align="flex-start" wrap="wrap">
            <Select
              label={t('growth.affiliate.ruleKind')}
              data={[
                { value: 'course', label: t('growth.affiliate.targets.course') },
                { value: 'plan', label: t('growth.affiliate.targets.plan') },
              ]}
              value={kind}
              onChange={(v) => {
                setKind((v ?? 'course') as 'course' | 'plan');
                setTargetId(null);
              }}
              allowDeselect={false}
              w={140}
            />
            <Select
              label={kind === 'course' ? t('growth.affiliate.targets.course') : t('growth.affiliate.targets.plan')}
              data={options}
              value={targetId}
              onChange={setTargetId}
              searchable
              error={errors.targetId}
              w={260}
            />
            <NumberInput label={t('growth.affiliate.percent')} min={0} max={100} decimalScale={2} suffix=" %" value={percent} onChange={setPercent} error={errors.commissionBp} w={140} />
            <Button type="submit" mt={25} loading={save.isPending}>
              {t('growth.affiliate.addRule')}
            </Button>
          </Group>
        </form>
        {rules.isError ? (
          <Text c="red">{rules.error.message}</Text>
        ) : items.length === 0 ? (
          <Text c="dimmed">{t('growth.affiliate.noRules')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={420}>
            <Table data-testid="commission-rules">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('growth.affiliate.ruleKind')}</Table.Th>
                  <Table.Th>{t('growth.affiliate.ruleTarget')}</Table.Th>
                  <Table.Th>{t('growth.affiliate.percent')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((r) => {
                  const name = names.get(r.targetId) ?? r.targetId;
                  return (
                    <Table.Tr key={r.id}>
                      <Table.Td>{t(`growth.affiliate.targets.${r.targetKind}`)}</Table.Td>
                      <Table.Td>{name}</Table.Td>
                      <Table.Td>{bpToPercent(r.commissionBp)} %</Table.Td>
                      <Table.Td>
                        <ActionIcon variant="subtle" color="red" aria-label={t('growth.affiliate.removeRule', { name })} onClick={() => remove.mutate(r.id)} loading={remove.isPending && remove.variables === r.id}>
                          ×
                        </ActionIcon>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
