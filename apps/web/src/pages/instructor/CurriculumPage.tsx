import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type ScreenReaderInstructions,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ActionIcon, Badge, Button, Card, Group, Menu, Modal, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useOutletContext } from 'react-router';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, EmptyState, notifyError, usePageTitle } from '../../components/common';
import { DotsIcon, GripIcon } from './icons';
import { useCourseCache, type CourseEditor, type DraftLesson, type DraftOutline, type EditorLesson, type EditorSection, type LessonType } from './model';

type Sections = EditorSection[];

/** The outline with one lesson moved to `toSection` at `toIndex`. */
function moveLesson(sections: Sections, lessonId: string, toSection: string, toIndex: number): Sections {
  const lesson = sections.flatMap((s) => s.lessons).find((l) => l.id === lessonId);
  if (!lesson) return sections;
  const without = sections.map((s) => ({ ...s, lessons: s.lessons.filter((l) => l.id !== lessonId) }));
  return without.map((s) => {
    if (s.id !== toSection) return s;
    const lessons = [...s.lessons];
    lessons.splice(Math.max(0, Math.min(toIndex, lessons.length)), 0, { ...lesson, sectionId: toSection });
    return { ...s, lessons };
  });
}

/** Positions as the server numbers them, so the optimistic copy matches the saved one. */
const renumber = (sections: Sections): Sections =>
  sections.map((s, i) => ({ ...s, position: i, lessons: s.lessons.map((l, j) => ({ ...l, position: j, sectionId: s.id })) }));

function useAnnouncements(titleOf: (id: UniqueIdentifier) => string, positionOf: (id: UniqueIdentifier) => number, total: number) {
  const { t } = useTranslation();
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('instructor.dnd.picked', { title: titleOf(active.id), position: positionOf(active.id), total }),
    onDragOver: ({ active, over }) =>
      over ? t('instructor.dnd.over', { title: titleOf(active.id), position: positionOf(over.id), total }) : t('instructor.dnd.outside', { title: titleOf(active.id) }),
    onDragEnd: ({ active, over }) =>
      over ? t('instructor.dnd.dropped', { title: titleOf(active.id), position: positionOf(over.id), total }) : t('instructor.dnd.cancelled', { title: titleOf(active.id) }),
    onDragCancel: ({ active }) => t('instructor.dnd.cancelled', { title: titleOf(active.id) }),
  };
  const screenReaderInstructions: ScreenReaderInstructions = { draggable: t('instructor.dnd.instructions') };
  return { announcements, screenReaderInstructions };
}

function useDndSensors() {
  return useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
}

/** A row that can be dragged by its handle (keyboard: focus the handle, Space, arrows, Space). */
function SortableRow({ id, handleLabel, children, disabled }: { id: string; handleLabel: string; children: (handle: ReactNode) => ReactNode; disabled: boolean }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id, disabled });
  const handle = (
    <ActionIcon ref={setActivatorNodeRef} variant="subtle" color="gray" aria-label={handleLabel} style={{ cursor: disabled ? undefined : 'grab', touchAction: 'none' }} {...attributes} {...listeners} disabled={disabled} data-testid="drag-handle">
      <GripIcon />
    </ActionIcon>
  );
  return (
    <div ref={setNodeRef} style={{ transform: CSS.Transform.toString(transform), transition, position: 'relative', zIndex: isDragging ? 2 : undefined, opacity: isDragging ? 0.85 : 1 }}>
      {children(handle)}
    </div>
  );
}

/** Title prompt for adding/renaming a section. */
function NameModal({ opened, title, label, initial, onClose, onSubmit }: { opened: boolean; title: string; label: string; initial: string; onClose: () => void; onSubmit: (name: string) => Promise<Record<string, string> | void> }) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!name.trim()) return setError(t('instructor.form.required'));
    setBusy(true);
    const errs = await onSubmit(name.trim());
    setBusy(false);
    if (errs) setError(errs.title);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={title} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <TextInput label={label} value={name} onChange={(e) => setName(e.currentTarget.value)} error={error} required data-autofocus maxLength={200} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('instructor.form.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AddLessonModal({ opened, onClose, onSubmit }: { opened: boolean; onClose: () => void; onSubmit: (v: { title: string; type: LessonType; url?: string }) => Promise<Record<string, string> | void> }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [type, setType] = useState<LessonType>('text');
  const [url, setUrl] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const errs: Record<string, string> = {};
    if (!title.trim()) errs.title = t('instructor.form.required');
    if (type === 'link' && !url.trim()) errs['body.url'] = t('instructor.form.required');
    if (Object.keys(errs).length) return setErrors(errs);
    setBusy(true);
    const res = await onSubmit({ title: title.trim(), type, ...(type === 'link' ? { url: url.trim() } : {}) });
    setBusy(false);
    if (res) setErrors(res);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('instructor.curriculum.addLesson')} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <TextInput label={t('instructor.lesson.title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} required data-autofocus maxLength={200} />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="lesson-type-label">
              {t('instructor.lesson.type')}
            </Text>
            <SegmentedControl
              aria-labelledby="lesson-type-label"
              value={type}
              onChange={(v) => setType(v as LessonType)}
              data={(['text', 'link', 'code', 'quiz', 'assignment'] as const).map((v) => ({ value: v, label: t(`instructor.lessonType.${v}`) }))}
            />
          </Stack>
          {type === 'link' && (
            <TextInput label={t('instructor.lesson.url')} type="url" value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={errors['body.url'] ?? errors.body} required placeholder="https://" />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('instructor.curriculum.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

type Dialog = { kind: 'addSection' } | { kind: 'renameSection'; section: EditorSection } | { kind: 'addLesson'; sectionId: string } | null;

export function CurriculumPage() {
  const course = useOutletContext<CourseEditor>();
  const { t } = useTranslation();
  const cache = useCourseCache(course.id);
  const sensors = useDndSensors();
  const [dialog, setDialog] = useState<Dialog>(null);
  const sections = course.sections;
  const editable = course.can.edit;
  usePageTitle(`${t('instructor.curriculum.heading')} · ${course.draft.title}`);
  const path = { id: course.id };

  const allLessons = sections.flatMap((s) => s.lessons);
  const sectionDnd = useAnnouncements(
    (id) => sections.find((s) => s.id === id)?.title ?? '',
    (id) => sections.findIndex((s) => s.id === id) + 1,
    sections.length,
  );

  // Reorders are saved one after another, in the order they were made, so the last one wins.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const [pending, setPending] = useState(0);
  const saving = pending > 0;

  /** Optimistic reorder: show it at once, save it, roll back with a toast if the server refuses. */
  const persist = (next: Sections, kind: 'sections' | 'lessons') => {
    const before = cache.get()?.sections ?? sections;
    cache.setSections(renumber(next));
    setPending((n) => n + 1);
    queue.current = queue.current.then(async () => {
      try {
        const outline =
          kind === 'sections'
            ? await call<DraftOutline>(api.POST('/api/v1/courses/{id}/sections/reorder', { params: { path }, body: { sectionIds: next.map((s) => s.id) } }))
            : await call<DraftOutline>(
                api.POST('/api/v1/courses/{id}/lessons/reorder', { params: { path }, body: { sections: next.map((s) => ({ sectionId: s.id, lessonIds: s.lessons.map((l) => l.id) })) } }),
              );
        cache.setSections(outline.sections);
      } catch (err) {
        cache.setSections(before);
        notifyError(err, t);
        await cache.refetch();
      } finally {
        setPending((n) => n - 1);
      }
    });
  };

  const onSectionDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = sections.findIndex((s) => s.id === active.id);
    const to = sections.findIndex((s) => s.id === over.id);
    if (from < 0 || to < 0) return;
    persist(arrayMove(sections, from, to), 'sections');
  };

  const moveSection = (index: number, delta: number) => persist(arrayMove(sections, index, index + delta), 'sections');

  const addSection = async (title: string) => {
    try {
      await call(api.POST('/api/v1/courses/{id}/sections', { params: { path }, body: { title } }));
      await cache.refetch();
      setDialog(null);
    } catch (err) {
      const f = bodyFieldErrors(err);
      if (f.title) return f;
      notifyError(err, t);
    }
  };
  const renameSection = async (sectionId: string, title: string) => {
    try {
      await call(api.PATCH('/api/v1/courses/{id}/sections/{sectionId}', { params: { path: { ...path, sectionId } }, body: { title } }));
      await cache.refetch();
      setDialog(null);
    } catch (err) {
      const f = bodyFieldErrors(err);
      if (f.title) return f;
      notifyError(err, t);
    }
  };
  const deleteSection = async (s: EditorSection) => {
    const ok = await confirmAction({
      title: t('instructor.curriculum.deleteSectionTitle'),
      message: t('instructor.curriculum.deleteSectionMessage', { title: s.title, count: s.lessons.length }),
      confirmLabel: t('instructor.curriculum.delete'),
    });
    if (!ok) return;
    try {
      await call(api.DELETE('/api/v1/courses/{id}/sections/{sectionId}', { params: { path: { ...path, sectionId: s.id } } }));
      await cache.refetch();
    } catch (err) {
      notifyError(err, t);
    }
  };
  const addLesson = async (sectionId: string, v: { title: string; type: LessonType; url?: string }) => {
    try {
      await call<DraftLesson>(
        api.POST('/api/v1/courses/{id}/sections/{sectionId}/lessons', {
          params: { path: { ...path, sectionId } },
          body: { title: v.title, type: v.type, ...(v.type === 'link' ? { body: { url: v.url } } : {}) },
        }),
      );
      await cache.refetch();
      setDialog(null);
    } catch (err) {
      const f = bodyFieldErrors(err);
      if (Object.keys(f).length) return f;
      notifyError(err, t);
    }
  };
  const deleteLesson = async (l: EditorLesson) => {
    const ok = await confirmAction({
      title: t('instructor.curriculum.deleteLessonTitle'),
      message: t('instructor.curriculum.deleteLessonMessage', { title: l.title }),
      confirmLabel: t('instructor.curriculum.delete'),
    });
    if (!ok) return;
    try {
      await call(api.DELETE('/api/v1/courses/{id}/lessons/{lessonId}', { params: { path: { ...path, lessonId: l.id } } }));
      await cache.refetch();
    } catch (err) {
      notifyError(err, t);
    }
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('instructor.curriculum.heading')}
        </Title>
        <Text size="sm" c="dimmed" aria-live="polite">
          {saving ? t('instructor.curriculum.saving') : t('instructor.curriculum.count', { sections: sections.length, lessons: allLessons.length })}
        </Text>
      </Group>
      {sections.length === 0 ? (
        <EmptyState
          title={t('instructor.curriculum.empty')}
          hint={t('instructor.curriculum.emptyHint')}
          action={editable ? <Button onClick={() => setDialog({ kind: 'addSection' })}>{t('instructor.curriculum.addFirstSection')}</Button> : undefined}
        />
      ) : (
        <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onSectionDragEnd} accessibility={sectionDnd}>
          <SortableContext items={sections.map((s) => s.id)} strategy={verticalListSortingStrategy}>
            <Stack gap="md" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('instructor.curriculum.sections')}>
              {sections.map((s, si) => (
                <li key={s.id}>
                  <SortableRow id={s.id} handleLabel={t('instructor.curriculum.dragSection', { title: s.title })} disabled={!editable}>
                    {(handle) => (
                      <Card withBorder padding="sm" data-testid="section">
                        <Group justify="space-between" wrap="nowrap" gap="xs">
                          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                            {editable && handle}
                            <Title order={3} size="h4" style={{ overflowWrap: 'anywhere' }} data-testid="section-title">
                              {s.title}
                            </Title>
                          </Group>
                          {editable && (
                            <Menu position="bottom-end" withinPortal>
                              <Menu.Target>
                                <ActionIcon variant="subtle" color="gray" aria-label={t('instructor.curriculum.sectionActions', { title: s.title })}>
                                  <DotsIcon />
                                </ActionIcon>
                              </Menu.Target>
                              <Menu.Dropdown>
                                <Menu.Item onClick={() => setDialog({ kind: 'renameSection', section: s })}>{t('instructor.curriculum.rename')}</Menu.Item>
                                <Menu.Item disabled={si === 0} onClick={() => moveSection(si, -1)}>
                                  {t('instructor.curriculum.moveUp')}
                                </Menu.Item>
                                <Menu.Item disabled={si === sections.length - 1} onClick={() => moveSection(si, 1)}>
                                  {t('instructor.curriculum.moveDown')}
                                </Menu.Item>
                                <Menu.Divider />
                                <Menu.Item color="red" onClick={() => void deleteSection(s)}>
                                  {t('instructor.curriculum.delete')}
                                </Menu.Item>
                              </Menu.Dropdown>
                            </Menu>
                          )}
                        </Group>
                        <SectionLessons
                          course={course}
                          section={s}
                          sections={sections}
                          editable={editable}
                          onMove={(next) => persist(next, 'lessons')}
                          onDelete={(l) => void deleteLesson(l)}
                        />
                        {editable && (
                          <Group mt="xs">
                            <Button size="xs" variant="light" onClick={() => setDialog({ kind: 'addLesson', sectionId: s.id })} aria-label={t('instructor.curriculum.addLessonTo', { title: s.title })}>
                              {t('instructor.curriculum.addLesson')}
                            </Button>
                          </Group>
                        )}
                      </Card>
                    )}
                  </SortableRow>
                </li>
              ))}
            </Stack>
          </SortableContext>
        </DndContext>
      )}
      {editable && sections.length > 0 && (
        <Group>
          <Button variant="default" onClick={() => setDialog({ kind: 'addSection' })}>
            {t('instructor.curriculum.addSection')}
          </Button>
        </Group>
      )}
      {dialog?.kind === 'addSection' && (
        <NameModal opened title={t('instructor.curriculum.addSection')} label={t('instructor.curriculum.sectionTitle')} initial="" onClose={() => setDialog(null)} onSubmit={addSection} />
      )}
      {dialog?.kind === 'renameSection' && (
        <NameModal
          opened
          title={t('instructor.curriculum.renameSection')}
          label={t('instructor.curriculum.sectionTitle')}
          initial={dialog.section.title}
          onClose={() => setDialog(null)}
          onSubmit={(title) => renameSection(dialog.section.id, title)}
        />
      )}
      {dialog?.kind === 'addLesson' && <AddLessonModal opened onClose={() => setDialog(null)} onSubmit={(v) => addLesson(dialog.sectionId, v)} />}
    </Stack>
  );
}

/** The lessons of one section: their own sortable list; "move to section" moves one across. */
function SectionLessons({
  course,
  section,
  sections,
  editable,
  onMove,
  onDelete,
}: {
  course: CourseEditor;
  section: EditorSection;
  sections: Sections;
  editable: boolean;
  onMove: (next: Sections) => void;
  onDelete: (l: EditorLesson) => void;
}) {
  const { t } = useTranslation();
  const sensors = useDndSensors();
  const lessons = section.lessons;
  const dnd = useAnnouncements(
    (id) => lessons.find((l) => l.id === id)?.title ?? '',
    (id) => lessons.findIndex((l) => l.id === id) + 1,
    lessons.length,
  );
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const to = lessons.findIndex((l) => l.id === over.id);
    if (to < 0) return;
    onMove(moveLesson(sections, String(active.id), section.id, to));
  };

  if (lessons.length === 0)
    return (
      <Text size="sm" c="dimmed" mt="xs">
        {t('instructor.curriculum.noLessons')}
      </Text>
    );
  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} accessibility={dnd}>
      <SortableContext items={lessons.map((l) => l.id)} strategy={verticalListSortingStrategy}>
        <Stack gap={4} mt="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('instructor.curriculum.lessonsOf', { title: section.title })}>
          {lessons.map((l, li) => (
            <li key={l.id}>
              <SortableRow id={l.id} handleLabel={t('instructor.curriculum.dragLesson', { title: l.title })} disabled={!editable}>
                {(handle) => (
                  <Group justify="space-between" wrap="nowrap" gap="xs" p={4} data-testid="lesson-row" style={{ borderRadius: 6, background: 'var(--mantine-color-body)', border: '1px solid var(--mantine-color-default-border)' }}>
                    <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                      {editable && handle}
                      <Link to={`/teach/courses/${course.id}/lessons/${l.id}`} style={{ overflowWrap: 'anywhere' }} data-testid="lesson-title">
                        {l.title}
                      </Link>
                      <Badge size="sm" variant="light" color="gray" style={{ textTransform: 'none', flexShrink: 0 }}>
                        {t(`instructor.lessonType.${l.type}`)}
                      </Badge>
                      {l.isPreview && (
                        <Badge size="sm" variant="light" color="teal" style={{ textTransform: 'none', flexShrink: 0 }}>
                          {t('instructor.lesson.freePreview')}
                        </Badge>
                      )}
                    </Group>
                    {editable && (
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={t('instructor.curriculum.lessonActions', { title: l.title })}>
                            <DotsIcon />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item component={Link} to={`/teach/courses/${course.id}/lessons/${l.id}`}>
                            {t('instructor.curriculum.edit')}
                          </Menu.Item>
                          <Menu.Item disabled={li === 0} onClick={() => onMove(moveLesson(sections, l.id, section.id, li - 1))}>
                            {t('instructor.curriculum.moveUp')}
                          </Menu.Item>
                          <Menu.Item disabled={li === lessons.length - 1} onClick={() => onMove(moveLesson(sections, l.id, section.id, li + 1))}>
                            {t('instructor.curriculum.moveDown')}
                          </Menu.Item>
                          {sections
                            .filter((s) => s.id !== section.id)
                            .map((s) => (
                              <Menu.Item key={s.id} onClick={() => onMove(moveLesson(sections, l.id, s.id, s.lessons.length))}>
                                {t('instructor.curriculum.moveTo', { title: s.title })}
                              </Menu.Item>
                            ))}
                          <Menu.Divider />
                          <Menu.Item color="red" onClick={() => onDelete(l)}>
                            {t('instructor.curriculum.delete')}
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Group>
                )}
              </SortableRow>
            </li>
          ))}
        </Stack>
      </SortableContext>
    </DndContext>
  );
}
