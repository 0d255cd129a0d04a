import { Anchor, Button, Group, MultiSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, EmptyState, ErrorState, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import type { AssignmentGroup, AssignmentGroupList } from './model';

interface Learner {
  value: string;
  label: string;
}

/** Groups of learners in a course, for group assignments: create, rename, set members, delete. */
export function GroupsPage() {
  const { courseId = '' } = useParams();
  const { t } = useTranslation();
  usePageTitle(t('assignments.groupsTitle'));
  const groups = useQuery({
    queryKey: ['assignment-groups', courseId],
    queryFn: () => call<AssignmentGroupList>(api.GET('/api/v1/courses/{courseId}/assignment-groups', { params: { path: { courseId } } })),
  });
  const learners = useQuery({
    queryKey: ['assignment-group-learners', courseId],
    queryFn: async (): Promise<Learner[]> => {
      const page = await call<{ items: { userId: string; learner: { name: string; email: string } | null }[] }>(
        api.GET('/api/v1/courses/{courseId}/enrollments', { params: { path: { courseId }, query: { limit: 100, status: 'active' } } }),
      );
      return page.items.map((e) => ({ value: e.userId, label: e.learner ? `${e.learner.name} (${e.learner.email})` : e.userId }));
    },
  });

  if (groups.isError || learners.isError)
    return (
      <Stack>
        <Title order={1}>{t('assignments.groupsTitle')}</Title>
        <ErrorState error={groups.error ?? learners.error} onRetry={() => void (groups.refetch(), learners.refetch())} />
      </Stack>
    );
  if (!groups.data || !learners.data) return <PageLoading />;

  return (
    <Stack maw={800}>
      <div>
        <Anchor component={Link} to={`/teach/courses/${courseId}/curriculum`} size="sm">
          ← {t('assignments.backToCurriculum')}
        </Anchor>
        <Title order={1}>{t('assignments.groupsTitle')}</Title>
        <Text c="dimmed">{t('assignments.groupsIntro')}</Text>
      </div>
      {groups.data.items.length === 0 && <EmptyState title={t('assignments.noGroups')} hint={t('assignments.noGroupsHint')} />}
      {groups.data.items.map((g) => (
        <GroupForm key={g.id} courseId={courseId} group={g} learners={learners.data} />
      ))}
      <GroupForm courseId={courseId} group={null} learners={learners.data} />
    </Stack>
  );
}

function GroupForm({ courseId, group, learners }: { courseId: string; group: AssignmentGroup | null; learners: Learner[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(group?.name ?? '');
  const [members, setMembers] = useState<string[]>(group?.members.map((m) => m.userId) ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const done = () => void qc.invalidateQueries({ queryKey: ['assignment-groups', courseId] });
  const save = useMutation({
    mutationFn: () =>
      group
        ? call<AssignmentGroup>(api.PUT('/api/v1/assignment-groups/{groupId}', { params: { path: { groupId: group.id } }, body: { name, memberIds: members } }))
        : call<AssignmentGroup>(api.POST('/api/v1/courses/{courseId}/assignment-groups', { params: { path: { courseId } }, body: { name, memberIds: members } })),
    onSuccess: () => {
      setErrors({});
      if (!group) {
        setName('');
        setMembers([]);
      }
      done();
      notify({ color: 'green', message: t('assignments.groupSaved') });
    },
    onError: (e) => {
      const fe = bodyFieldErrors(e);
      setErrors(fe);
      if (!fe.name) notifyError(e, t);
    },
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/assignment-groups/{groupId}', { params: { path: { groupId: group!.id } } })),
    onSuccess: done,
    onError: (e) => notifyError(e, t),
  });
  // members who are no longer enrolled stay listed so they can be removed
  const known = new Set(learners.map((l) => l.value));
  const data = [...learners, ...(group?.members.filter((m) => !known.has(m.userId)).map((m) => ({ value: m.userId, label: m.name })) ?? [])];
  return (
    <Paper withBorder p="md" component="form" aria-label={group ? group.name : t('assignments.newGroup')} onSubmit={(e) => { e.preventDefault(); if (!save.isPending) save.mutate(); }}>
      <Stack gap="xs">
        {!group && (
          <Title order={2} size="h4">
            {t('assignments.newGroup')}
          </Title>
        )}
        <TextInput label={t('assignments.groupName')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required />
        <MultiSelect label={t('assignments.groupMembers')} data={data} value={members} onChange={setMembers} searchable clearable error={errors.memberIds ?? Object.entries(errors).find(([k]) => k.startsWith('memberIds.'))?.[1]} nothingFoundMessage={t('assignments.noLearners')} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            {group ? t('assignments.saveGroup') : t('assignments.createGroup')}
          </Button>
          {group && (
            <Button
              variant="outline"
              color="red"
              loading={remove.isPending}
              onClick={async () => {
                if (await confirmAction({ title: t('assignments.deleteGroupTitle'), message: t('assignments.deleteGroupConfirm', { name: group.name }), confirmLabel: t('assignments.remove') })) remove.mutate();
              }}
            >
              {t('assignments.deleteGroup')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
