import { cpp } from '@codemirror/lang-cpp';
import { java } from '@codemirror/lang-java';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { EditorView } from '@codemirror/view';
import { Box, useComputedColorScheme } from '@mantine/core';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

const LANGUAGE: Record<string, () => Extension> = {
  python: () => python(),
  javascript: () => javascript(),
  c: () => cpp(),
  cpp: () => cpp(),
  java: () => java(),
};

/**
 * CodeMirror 6 with the language's highlighting, following the light/dark theme. Tab is left to
 * the browser (focus moves on), so keyboard users are never trapped in the editor; indent with the
 * editor's own commands (Ctrl-] / Ctrl-[).
 */
export function CodeEditor({
  value,
  onChange,
  language,
  label,
  describedBy,
  minHeight = 240,
}: {
  value: string;
  onChange: (v: string) => void;
  language: string;
  label: string;
  describedBy?: string;
  minHeight?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const theme = useRef(new Compartment());
  const lang = useRef(new Compartment());
  const scheme = useComputedColorScheme('light');

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          lang.current.of(LANGUAGE[language]?.() ?? []),
          theme.current.of(scheme === 'dark' ? oneDark : []),
          EditorView.contentAttributes.of({ 'aria-label': label, ...(describedBy ? { 'aria-describedby': describedBy } : {}) }),
          EditorView.theme({ '&': { minHeight: `${minHeight}px`, fontSize: '14px' }, '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' } }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChangeRef.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // the editor is created once; later prop changes are applied below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: theme.current.reconfigure(scheme === 'dark' ? oneDark : []) });
  }, [scheme]);
  useEffect(() => {
    view.current?.dispatch({ effects: lang.current.reconfigure(LANGUAGE[language]?.() ?? []) });
  }, [language]);
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <Box ref={host} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)', overflow: 'hidden' }} />;
}
