import { Divider, SimpleGrid, Stack } from '@mantine/core';
import { usePermissions } from '../../../session';
import { CsvImport } from './CsvImport';
import { EnrollByEmail } from './EnrollByEmail';
import { RosterList } from './RosterList';

/**
 * A course's learners for its staff: the roster with progress and, for those who may manage
 * enrollments, enrolling by email and CSV imports with live status. Content only (h2 headings),
 * to sit under a page's h1.
 */
export function LearnersPanel({ courseId }: { courseId: string }) {
  const { can } = usePermissions();
  const canManage = can('enrollment.manage') || can('enrollment.manage_all');
  return (
    <Stack gap="xl">
      {canManage && (
        <>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
            <EnrollByEmail courseId={courseId} />
            <CsvImport courseId={courseId} />
          </SimpleGrid>
          <Divider />
        </>
      )}
      <RosterList courseId={courseId} canManage={canManage} />
    </Stack>
  );
}
