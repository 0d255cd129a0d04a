import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Words as the server counts them at submit: runs of non-space characters. */
export const countWords = (text: string) => {
  const x = text.trim();
  return x ? x.split(/\s+/u).length : 0;
};

/** The essay's live word counter, red when an answer is outside the question's limits. */
export function WordCount({ text, min, max }: { text: string; min?: number | undefined; max?: number | undefined }) {
  const { t } = useTranslation();
  const words = countWords(text);
  const outside = words > 0 && ((min !== undefined && words < min) || (max !== undefined && words > max));
  const limit =
    min !== undefined && max !== undefined ? t('quiz.take.wordsBetween', { min, max }) : min !== undefined ? t('quiz.take.wordsAtLeast', { min }) : max !== undefined ? t('quiz.take.wordsAtMost', { max }) : '';
  return (
    <Text size="sm" c={outside ? 'red.8' : 'dimmed'} aria-live="polite" data-testid="word-count">
      {t('quiz.take.words', { count: words })}
      {limit ? ` · ${limit}` : ''}
    </Text>
  );
}
