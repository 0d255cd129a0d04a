import { Badge, Button, Card, Group, Select, SimpleGrid, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { api, call, type CatalogItem, type CatalogPage as Page, type Level } from '../api';
import { EmptyState, ErrorState, LoadMore, usePageTitle } from '../components/common';

const LEVELS: Level[] = ['beginner', 'intermediate', 'advanced', 'all'];

/** Language name in the UI's language ("es" -> "Spanish"), falling back to the code. */
export function useLanguageName() {
  const { i18n } = useTranslation();
  return useMemo(() => {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames([i18n.language], { type: 'language' });
    } catch {
      names = null;
    }
    return (code: string) => names?.of(code) ?? code;
  }, [i18n.language]);
}

function CourseCard({ course }: { course: CatalogItem }) {
  const { t } = useTranslation();
  const languageName = useLanguageName();
  return (
    <Card withBorder padding="md" component="article">
      <Stack gap="xs" h="100%">
        <Title order={2} size="h4">
          <Link to={`/courses/${course.slug}`} style={{ color: 'inherit' }}>
            {course.title}
          </Link>
        </Title>
        {course.subtitle && (
          <Text size="sm" c="dimmed" lineClamp={3}>
            {course.subtitle}
          </Text>
        )}
        <Group gap={6} mt="auto">
          <Badge variant="light">{t(`level.${course.level}`)}</Badge>
          <Badge variant="light" color="gray">
            {languageName(course.language)}
          </Badge>
          {course.category && (
            <Badge variant="outline" color="gray">
              {course.category}
            </Badge>
          )}
          {course.isFree && (
            <Badge variant="light" color="green">
              {t('catalog.free')}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {t('catalog.lessons', { count: course.lessonCount })} · {t('catalog.learners', { count: course.learnerCount })}
        </Text>
      </Stack>
    </Card>
  );
}

export function CatalogSkeleton({ count = 6 }: { count?: number }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} aria-hidden="true">
      {Array.from({ length: count }, (_, i) => (
        <Skeleton key={i} height={150} radius="md" />
      ))}
    </SimpleGrid>
  );
}

export function CatalogPage() {
  const { t } = useTranslation();
  const languageName = useLanguageName();
  usePageTitle(t('catalog.title'));
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const level = (params.get('level') as Level | null) ?? null;
  const language = params.get('language');
  const category = params.get('category');

  // Writes the typed search into the URL once it settles, and only when it differs. It must not run
  // again just because the location changed: setParams changes with every navigation, and a rerun
  // during the transition to a course page replaced that page with the catalog (a click on a result
  // right after typing landed back on the catalog).
  const { pathname } = useLocation();
  const paramsRef = useRef({ params, setParams, pathname });
  paramsRef.current = { params, setParams, pathname };
  useEffect(() => {
    const { params: current, setParams: set, pathname: catalogPath } = paramsRef.current;
    // the search settled after the person already left the catalog (a click on a result)
    if (window.location.pathname !== catalogPath) return;
    if ((current.get('q') ?? '') === debouncedQ) return;
    set(
      (p) => {
        if (debouncedQ) p.set('q', debouncedQ);
        else p.delete('q');
        return p;
      },
      { replace: true },
    );
  }, [debouncedQ]);

  const setFilter = (key: 'level' | 'language' | 'category', value: string | null) =>
    setParams(
      (p) => {
        if (value) p.set(key, value);
        else p.delete(key);
        return p;
      },
      { replace: true },
    );

  const filters = { q: debouncedQ || undefined, level: level ?? undefined, language: language ?? undefined, category: category ?? undefined };
  const list = useInfiniteQuery({
    queryKey: ['catalog', 'list', filters],
    queryFn: ({ pageParam }) =>
      call<Page>(api.GET('/api/v1/catalog/courses', { params: { query: { ...filters, limit: 24, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

  // Facets for the filters come from the published catalog itself.
  const facets = useQuery({
    queryKey: ['catalog', 'facets'],
    queryFn: () => call<Page>(api.GET('/api/v1/catalog/courses', { params: { query: { limit: 100 } } })),
    staleTime: 5 * 60_000,
  });
  const categories = [...new Set((facets.data?.items ?? []).map((c) => c.category).filter((c): c is string => !!c))].sort();
  const languages = [...new Set([...(facets.data?.items ?? []).map((c) => c.language), ...(language ? [language] : [])])].sort();

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const anyFilter = !!(debouncedQ || level || language || category);

  return (
    <Stack>
      <div>
        <Title order={1}>{t('catalog.title')}</Title>
        <Text c="dimmed">{t('catalog.intro')}</Text>
      </div>
      <Stack gap="sm" role="search">
        <TextInput
          type="search"
          label={t('catalog.search')}
          placeholder={t('catalog.searchPlaceholder')}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
        />
        <SimpleGrid cols={{ base: 1, xs: 3 }}>
          <Select
            label={t('catalog.level')}
            placeholder={t('catalog.any')}
            clearable
            value={level}
            onChange={(v) => setFilter('level', v)}
            data={LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }))}
          />
          <Select
            label={t('catalog.language')}
            placeholder={t('catalog.any')}
            clearable
            value={language}
            onChange={(v) => setFilter('language', v)}
            data={languages.map((l) => ({ value: l, label: languageName(l) }))}
          />
          <Select
            label={t('catalog.category')}
            placeholder={t('catalog.any')}
            clearable
            searchable
            value={category}
            onChange={(v) => setFilter('category', v)}
            data={[...new Set([...categories, ...(category ? [category] : [])])]}
          />
        </SimpleGrid>
        {anyFilter && (
          <Group>
            <Button
              variant="subtle"
              size="xs"
              onClick={() => {
                setQ('');
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              {t('catalog.clearFilters')}
            </Button>
          </Group>
        )}
      </Stack>

      <Text size="sm" c="dimmed" aria-live="polite" data-testid="catalog-count">
        {list.isSuccess ? t('catalog.results', { count: items.length }) + (list.hasNextPage ? '+' : '') : ''}
      </Text>

      {list.isPending ? (
        <CatalogSkeleton />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          title={t('catalog.empty')}
          hint={t('catalog.emptyHint')}
          action={
            anyFilter ? (
              <Button
                variant="light"
                onClick={() => {
                  setQ('');
                  setParams(new URLSearchParams(), { replace: true });
                }}
              >
                {t('catalog.clearFilters')}
              </Button>
            ) : undefined
          }
        />
      ) : (
        <SimpleGrid
          cols={{ base: 1, sm: 2, lg: 3 }}
          data-testid="catalog-results"
          aria-busy={list.isPlaceholderData}
          style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}
        >
          {items.map((c) => (
            <CourseCard key={c.id} course={c} />
          ))}
        </SimpleGrid>
      )}
      <LoadMore query={list} label={t('catalog.loadMore')} />
    </Stack>
  );
}
