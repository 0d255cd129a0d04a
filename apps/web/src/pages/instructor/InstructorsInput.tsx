import { MultiSelect, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { components } from '@lyceum/api-client';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import type { CourseEditor } from './model';

type RoleList = components['schemas']['RoleListDto_Output'];
type MemberPage = components['schemas']['MemberPageDto_Output'];

/** The course's instructors, chosen among the members whose role may teach (course.create or course.update). */
export function InstructorsInput({
  course,
  value,
  onChange,
  error,
  readOnly,
}: {
  course: CourseEditor;
  value: string[];
  onChange: (ids: string[]) => void;
  error?: string;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const orgId = course.organizationId;
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const roles = useQuery({
    queryKey: ['instructor', 'roles', orgId],
    queryFn: () => call<RoleList>(api.GET('/api/v1/organizations/{id}/roles', { params: { path: { id: orgId } } })),
    staleTime: 5 * 60_000,
    enabled: !readOnly,
  });
  const members = useQuery({
    queryKey: ['instructor', 'members', orgId, q],
    queryFn: () => call<MemberPage>(api.GET('/api/v1/organizations/{id}/members', { params: { path: { id: orgId }, query: { limit: 100, q: q || undefined } } })),
    placeholderData: keepPreviousData,
    enabled: !readOnly,
  });
  const teaching = useMemo(
    () => new Set((roles.data?.items ?? []).filter((r) => r.permissions.includes('course.create') || r.permissions.includes('course.update')).map((r) => r.key)),
    [roles.data],
  );
  // the current instructors stay listed (with their names) whatever the search
  const known = new Map(course.instructors.map((i) => [i.userId, i.name ?? i.userId]));
  const emails = new Map<string, string>();
  for (const m of members.data?.items ?? []) {
    if (!teaching.has(m.role)) continue;
    known.set(m.userId, m.name);
    emails.set(m.userId, m.email);
  }
  const data = [...known].map(([value, label]) => ({ value, label }));

  return (
    <MultiSelect
      label={t('instructor.details.instructors')}
      description={t('instructor.details.instructorsHint')}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={members.isFetching ? t('app.loading') : t('instructor.details.noInstructorFound')}
      error={error}
      readOnly={readOnly}
      hidePickedOptions
      renderOption={({ option }) => (
        <Stack gap={0}>
          <Text size="sm">{option.label}</Text>
          {emails.has(option.value) && (
            <Text size="xs" c="dimmed">
              {emails.get(option.value)}
            </Text>
          )}
        </Stack>
      )}
      maxValues={20}
    />
  );
}
