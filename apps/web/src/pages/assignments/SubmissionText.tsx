import { Box } from '@mantine/core';
import { useRef } from 'react';
import type { SubmissionComment } from './model';

/** Offsets of the current selection inside `container`, counted in characters of its text. */
function selectionIn(container: HTMLElement): { start: number; end: number } | null {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return null;
  const before = range.cloneRange();
  before.selectNodeContents(container);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  const end = start + range.toString().length;
  return end > start ? { start, end } : null;
}

/** A text submission with its commented ranges highlighted; selecting text reports the range. */
export function SubmissionText({ text, comments, onSelect, label }: { text: string; comments: SubmissionComment[]; onSelect?: (r: { start: number; end: number }) => void; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const ranges = comments.filter((c) => c.anchor === 'text' && c.rangeStart !== null && c.rangeEnd !== null);
  const cuts = [...new Set([0, text.length, ...ranges.flatMap((c) => [c.rangeStart!, c.rangeEnd!])])].filter((n) => n >= 0 && n <= text.length).sort((a, b) => a - b);
  const parts: { from: number; to: number; marked: boolean }[] = [];
  for (let i = 0; i < cuts.length - 1; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    parts.push({ from, to, marked: ranges.some((c) => c.rangeStart! <= from && c.rangeEnd! >= to) });
  }
  const report = () => {
    if (!ref.current || !onSelect) return;
    const r = selectionIn(ref.current);
    if (r) onSelect(r);
  };
  return (
    <Box
      ref={ref}
      role="document"
      aria-label={label}
      tabIndex={0}
      onMouseUp={report}
      onKeyUp={report}
      data-testid="submission-text"
      style={{ whiteSpace: 'pre-wrap', lineHeight: 1.6, border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, padding: 12 }}
    >
      {parts.map((p) =>
        p.marked ? (
          <mark key={p.from} style={{ background: 'var(--mantine-color-yellow-2)', color: 'inherit' }}>
            {text.slice(p.from, p.to)}
          </mark>
        ) : (
          <span key={p.from}>{text.slice(p.from, p.to)}</span>
        ),
      )}
    </Box>
  );
}
