import { Box, Input, Tabs, Text, Textarea, Typography } from '@mantine/core';
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Markdown rendered to sanitized HTML, as learners will see it. */
export function renderMarkdown(markdown: string): string {
  return DOMPurify.sanitize(marked.parse(markdown, { async: false, gfm: true }));
}

/** A markdown textarea with a live preview tab. */
export function MarkdownEditor({
  label,
  value,
  onChange,
  error,
  description,
  minRows = 8,
  readOnly,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  description?: string;
  minRows?: number;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [tab, setTab] = useState<string | null>('write');
  const html = useMemo(() => (tab === 'preview' ? renderMarkdown(value) : ''), [tab, value]);
  return (
    <Input.Wrapper label={label} description={description ?? t('instructor.markdown.hint')} error={error} id={`${id}-wrapper`} labelElement="div">
      <Tabs value={tab} onChange={setTab} mt={4} keepMounted={false}>
        <Tabs.List aria-label={t('instructor.markdown.modes', { label })}>
          <Tabs.Tab value="write">{t('instructor.markdown.write')}</Tabs.Tab>
          <Tabs.Tab value="preview">{t('instructor.markdown.preview')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="write" pt="xs">
          <Textarea aria-label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)} autosize minRows={minRows} maxRows={30} error={!!error} readOnly={readOnly} styles={{ input: { fontFamily: 'ui-monospace, monospace' } }} />
        </Tabs.Panel>
        <Tabs.Panel value="preview" pt="xs">
          <Box p="sm" data-testid="markdown-preview" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8, minHeight: 120 }}>
            {value.trim() ? (
              <Typography className="lesson-body">
                <div dangerouslySetInnerHTML={{ __html: html }} />
              </Typography>
            ) : (
              <Text c="dimmed">{t('instructor.markdown.nothing')}</Text>
            )}
          </Box>
        </Tabs.Panel>
      </Tabs>
    </Input.Wrapper>
  );
}
