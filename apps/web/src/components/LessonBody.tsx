import { Anchor, Box, Paper, Stack, Text, Typography } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export interface LessonBodyContent {
  html?: string;
  markdown?: string;
  embedUrl?: string;
  url?: string;
}

/** A lesson's content as the server sends it: sanitized HTML, an embed, or a link. */
export function LessonBody({ body, title }: { body: LessonBodyContent; title: string }) {
  const { t } = useTranslation();
  return (
    <Stack>
      {body.html ? (
        <Typography>
          {/* the server renders lesson markdown to sanitized HTML */}
          <div className="lesson-body" dangerouslySetInnerHTML={{ __html: body.html }} />
        </Typography>
      ) : body.markdown ? (
        <Text className="lesson-body" style={{ whiteSpace: 'pre-wrap' }}>
          {body.markdown}
        </Text>
      ) : null}
      {body.embedUrl && (
        <Box style={{ position: 'relative', paddingTop: '56.25%' }}>
          <iframe
            src={body.embedUrl}
            title={t('lesson.embedTitle', { title })}
            allowFullScreen
            referrerPolicy="strict-origin-when-cross-origin"
            sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"
            style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', border: 0 }}
          />
        </Box>
      )}
      {body.url && (
        <Paper withBorder p="md">
          <Stack gap={4}>
            <Anchor href={body.url} target="_blank" rel="noopener noreferrer" fw={600} style={{ overflowWrap: 'anywhere' }}>
              {t('lesson.openLink')}: {body.url}
            </Anchor>
            <Text size="xs" c="dimmed">
              {t('lesson.openLinkHint')}
            </Text>
          </Stack>
        </Paper>
      )}
      {!body.html && !body.markdown && !body.url && !body.embedUrl && <Text c="dimmed">{t('lesson.notAvailable')}</Text>}
    </Stack>
  );
}

