import { Anchor, Badge, Button, Group, Modal, NativeSelect, Paper, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, EmptyState, ErrorState, notify, notifyError, usePageTitle } from '../../components/common';
import { QuestionForm } from './QuestionForm';
import { QUESTION_TYPES, type BankQuestion, type BankQuestionPage, type QuestionBank, type QuestionInput, type QuestionType } from './types';
import { QtiTransfer } from './QtiTransfer';

export function useCourseBanks(courseId: string, enabled = true) {
  return useQuery({
    queryKey: ['question-banks', courseId],
    enabled,
    queryFn: () => call<{ items: QuestionBank[] }>(api.GET('/api/v1/courses/{courseId}/question-banks', { params: { path: { courseId } } })),
  });
}

/** The organization's own banks (not tied to a course); every course of the organization can use them. */
export function useOrgBanks(enabled = true) {
  return useQuery({
    queryKey: ['question-banks', 'organization'],
    enabled,
    queryFn: () => call<{ items: QuestionBank[] }>(api.GET('/api/v1/question-banks')),
  });
}

/** Where a bank page's banks live: one course (its banks plus the organization's), or the organization. */
type BankScope = { kind: 'course'; courseId: string } | { kind: 'organization' };

function CreateBank({ scope, onCreated }: { scope: BankScope; onCreated: (b: QuestionBank) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      scope.kind === 'course'
        ? call<QuestionBank>(api.POST('/api/v1/courses/{courseId}/question-banks', { params: { path: { courseId: scope.courseId } }, body: { name, description: '' } }))
        : call<QuestionBank>(api.POST('/api/v1/question-banks', { body: { name, description: '' } })),
    onSuccess: (b) => {
      setName('');
      setErrors({});
      onCreated(b);
    },
    onError: (e) => {
      const fe = bodyFieldErrors(e);
      setErrors(fe);
      if (!Object.keys(fe).length) notifyError(e, t);
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!create.isPending) create.mutate();
  };
  return (
    <form onSubmit={onSubmit} noValidate>
      <Group align="flex-end" wrap="wrap">
        <TextInput label={t('quiz.bank.newBankName')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required />
        <Button type="submit" loading={create.isPending}>
          {t('quiz.bank.createBank')}
        </Button>
      </Group>
    </form>
  );
}

/** A course's question banks: questions of every type with tags, filtered by tag and type. */
export function QuestionBankPage() {
  const { courseId = '' } = useParams();
  return <BankWorkspace scope={{ kind: 'course', courseId }} />;
}

/** The organization-wide question banks, reached from the Teach area; any course's quiz can draw from them. */
export function OrgQuestionBankPage() {
  return <BankWorkspace scope={{ kind: 'organization' }} />;
}

function BankWorkspace({ scope }: { scope: BankScope }) {
  const { t } = useTranslation();
  const title = scope.kind === 'course' ? t('quiz.bank.title') : t('quiz.bank.orgTitle');
  usePageTitle(title);
  const qc = useQueryClient();
  const courseBanks = useCourseBanks(scope.kind === 'course' ? scope.courseId : '', scope.kind === 'course');
  const orgBanks = useOrgBanks(scope.kind === 'organization');
  const banks = scope.kind === 'course' ? courseBanks : orgBanks;
  const [bankId, setBankId] = useState<string | null>(null);
  const [tag, setTag] = useState('');
  const [type, setType] = useState<QuestionType | ''>('');
  const [editing, setEditing] = useState<BankQuestion | 'new' | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const bank = banks.data?.items.find((b) => b.id === bankId) ?? banks.data?.items[0] ?? null;

  const questions = useInfiniteQuery({
    queryKey: ['bank-questions', bank?.id, tag, type],
    enabled: !!bank,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call<BankQuestionPage>(
        api.GET('/api/v1/question-banks/{bankId}/questions', {
          params: { path: { bankId: bank!.id }, query: { limit: 20, cursor: pageParam, tag: tag || undefined, type: type || undefined } },
        }),
      ),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['bank-questions'] });
    void qc.invalidateQueries({ queryKey: ['question-banks'] });
  };
  const save = useMutation({
    mutationFn: (v: { question: QuestionInput; tags: string[] }) =>
      editing && editing !== 'new'
        ? call<BankQuestion>(api.PUT('/api/v1/question-banks/{bankId}/questions/{questionId}', { params: { path: { bankId: bank!.id, questionId: editing.id } }, body: v }))
        : call<BankQuestion>(api.POST('/api/v1/question-banks/{bankId}/questions', { params: { path: { bankId: bank!.id } }, body: v })),
    onSuccess: () => {
      setEditing(null);
      setErrors({});
      refresh();
      notify({ color: 'green', message: t('quiz.bank.saved') });
    },
    onError: (e) => {
      const fe = bodyFieldErrors(e);
      setErrors(fe);
      if (!Object.keys(fe).length) notifyError(e, t);
    },
  });
  const remove = useMutation({
    mutationFn: (q: BankQuestion) => call(api.DELETE('/api/v1/question-banks/{bankId}/questions/{questionId}', { params: { path: { bankId: q.bankId, questionId: q.id } } })),
    onSuccess: () => {
      refresh();
      notify({ color: 'green', message: t('quiz.bank.deleted') });
    },
    onError: (e) => notifyError(e, t),
  });

  const items = questions.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      {scope.kind === 'course' ? (
        <Anchor component={Link} to={`/teach/courses/${scope.courseId}/curriculum`} size="sm">
          ← {t('quiz.bank.backToCourse')}
        </Anchor>
      ) : (
        <Anchor component={Link} to="/teach" size="sm">
          ← {t('quiz.bank.backToTeach')}
        </Anchor>
      )}
      <Title order={1}>{title}</Title>
      {scope.kind === 'organization' && <Text c="dimmed">{t('quiz.bank.orgIntro')}</Text>}
      {banks.isError ? (
        <ErrorState error={banks.error} onRetry={() => void banks.refetch()} />
      ) : !banks.data ? (
        <Skeleton height={200} />
      ) : banks.data.items.length === 0 ? (
        <EmptyState title={t('quiz.bank.noBanks')} hint={scope.kind === 'course' ? t('quiz.bank.noBanksHint') : t('quiz.bank.noOrgBanksHint')} action={<CreateBank scope={scope} onCreated={(b) => { setBankId(b.id); refresh(); }} />} />
      ) : (
        <>
          <Group align="flex-end" wrap="wrap">
            <NativeSelect
              label={t('quiz.bank.bank')}
              value={bank?.id}
              onChange={(e) => setBankId(e.currentTarget.value)}
              data={banks.data.items.map((b) => ({ value: b.id, label: `${b.name} (${b.scope === 'course' ? t('quiz.bank.courseScope') : t('quiz.bank.orgScope')}, ${b.questionCount})` }))}
            />
            <NativeSelect label={t('quiz.bank.filterTag')} value={tag} onChange={(e) => setTag(e.currentTarget.value)} data={[{ value: '', label: t('quiz.bank.allTags') }, ...(bank?.tags ?? []).map((x) => ({ value: x, label: x }))]} />
            <NativeSelect
              label={t('quiz.bank.filterType')}
              value={type}
              onChange={(e) => setType(e.currentTarget.value as QuestionType | '')}
              data={[{ value: '', label: t('quiz.bank.allTypes') }, ...QUESTION_TYPES.map((x) => ({ value: x, label: t(`quiz.types.${x}`) }))]}
            />
            <Button onClick={() => { setErrors({}); setEditing('new'); }}>{t('quiz.bank.newQuestion')}</Button>
          </Group>
          {bank && <QtiTransfer bankId={bank.id} onImported={refresh} />}
          <details>
            <summary>{t('quiz.bank.anotherBank')}</summary>
            <CreateBank scope={scope} onCreated={(b) => { setBankId(b.id); refresh(); }} />
          </details>
          {questions.isError ? (
            <ErrorState error={questions.error} onRetry={() => void questions.refetch()} />
          ) : questions.isPending ? (
            <Skeleton height={160} />
          ) : items.length === 0 ? (
            <EmptyState title={t('quiz.bank.noQuestions')} hint={t('quiz.bank.noQuestionsHint')} action={<Button onClick={() => setEditing('new')}>{t('quiz.bank.newQuestion')}</Button>} />
          ) : (
            <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {items.map((q) => (
                <Paper withBorder p="sm" key={q.id} component="li" data-testid="bank-question">
                  <Group justify="space-between" wrap="wrap">
                    <div style={{ minWidth: 0, flex: 1 }}>
                      <Text fw={500} lineClamp={2}>
                        {q.question.prompt}
                      </Text>
                      <Group gap={4} mt={4}>
                        <Badge variant="light">{t(`quiz.types.${q.type}`)}</Badge>
                        {q.tags.map((x) => (
                          <Badge key={x} variant="outline" color="gray">
                            {x}
                          </Badge>
                        ))}
                      </Group>
                    </div>
                    <Group gap="xs">
                      <Button variant="default" size="xs" onClick={() => { setErrors({}); setEditing(q); }} aria-label={t('quiz.bank.editQuestion', { prompt: q.question.prompt.slice(0, 40) })}>
                        {t('quiz.bank.edit')}
                      </Button>
                      <Button
                        variant="subtle"
                        color="red"
                        size="xs"
                        loading={remove.isPending && remove.variables?.id === q.id}
                        aria-label={t('quiz.bank.deleteQuestion', { prompt: q.question.prompt.slice(0, 40) })}
                        onClick={async () => {
                          if (await confirmAction({ title: t('quiz.bank.deleteTitle'), message: t('quiz.bank.deleteConfirm'), confirmLabel: t('quiz.bank.delete') })) remove.mutate(q);
                        }}
                      >
                        {t('quiz.bank.delete')}
                      </Button>
                    </Group>
                  </Group>
                </Paper>
              ))}
            </Stack>
          )}
          {questions.hasNextPage && (
            <Button variant="default" onClick={() => void questions.fetchNextPage()} loading={questions.isFetchingNextPage}>
              {t('quiz.bank.more')}
            </Button>
          )}
        </>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing === 'new' ? t('quiz.bank.newQuestion') : t('quiz.bank.edit')} size="xl" closeButtonProps={{ 'aria-label': t('app.close') }}>
        {editing !== null && (
          <QuestionForm
            key={editing === 'new' ? 'new' : editing.id}
            initial={editing === 'new' ? null : (editing.question as QuestionInput)}
            tags={editing === 'new' ? [] : editing.tags}
            saving={save.isPending}
            errors={errors}
            onSave={(v) => save.mutate(v)}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
    </Stack>
  );
}
