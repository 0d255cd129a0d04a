import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { DetailedError, Upload } from 'tus-js-client';
import { mediaKey, TUS_ENDPOINT } from './model';

export type UploadPhase = 'uploading' | 'paused' | 'done' | 'failed' | 'retrying';

export interface UploadItem {
  id: string;
  name: string;
  size: number;
  percent: number;
  phase: UploadPhase;
  error: string | null;
  resumed: boolean;
  assetId: string | null;
}

/** The server's problem+json detail from a tus error, or the error's own message. */
function reasonOf(err: Error): string {
  if (err instanceof DetailedError && err.originalResponse) {
    const body = err.originalResponse.getBody();
    try {
      const p = JSON.parse(body) as { detail?: string; title?: string };
      if (p.detail) return p.detail;
    } catch {
      /* not JSON */
    }
    if (body) return body.trim();
    if (!err.originalResponse.getStatus()) return 'network';
  }
  return err.message;
}

/**
 * tus uploads into the media library with tus-js-client: progress per file, pause (abort) and
 * resume (HEAD for the offset, then PATCH from there), retries after a dropped connection, and
 * resuming after a reload: the upload URL is stored under the file's fingerprint, so choosing
 * the same file again continues where it stopped.
 */
export function useTusUploads(onStored?: (assetId: string) => void) {
  const qc = useQueryClient();
  const [items, setItems] = useState<UploadItem[]>([]);
  const uploads = useRef(new Map<string, Upload>());
  const assetIds = useRef(new Map<string, string>());
  const patch = useCallback((id: string, p: Partial<UploadItem>) => setItems((list) => list.map((i) => (i.id === id ? { ...i, ...p } : i))), []);

  const add = useCallback(
    (files: File[]) => {
      for (const file of files) {
        const id = `${file.name}-${file.size}-${file.lastModified}-${Math.random().toString(36).slice(2, 7)}`;
        setItems((list) => [...list, { id, name: file.name, size: file.size, percent: 0, phase: 'uploading', error: null, resumed: false, assetId: null }]);
        const upload: Upload = new Upload(file, {
          endpoint: TUS_ENDPOINT,
          // big chunks: few requests, and each one resumable from its last byte
          chunkSize: 50 * 1024 * 1024,
          retryDelays: [0, 1000, 3000, 5000, 10000],
          removeFingerprintOnSuccess: true,
          metadata: { filename: file.name, filetype: file.type },
          onProgress: (sent, total) => patch(id, { percent: total ? Math.floor((sent / total) * 100) : 0, phase: 'uploading' }),
          onShouldRetry: (err) => {
            const status = err instanceof DetailedError ? (err.originalResponse?.getStatus() ?? 0) : 0;
            // only network failures and server hiccups are retried; refusals (4xx) are final
            const retry = status === 0 || status >= 500 || status === 409 || status === 423;
            if (retry) patch(id, { phase: 'retrying' });
            return retry;
          },
          onAfterResponse: (_req, res) => {
            const assetId = res.getHeader('Lyceum-Asset-Id');
            if (assetId) {
              assetIds.current.set(id, assetId);
              patch(id, { assetId });
            }
          },
          onError: (err) => {
            patch(id, { phase: 'failed', error: reasonOf(err) });
            void qc.invalidateQueries({ queryKey: mediaKey });
          },
          onSuccess: () => {
            patch(id, { phase: 'done', percent: 100 });
            void qc.invalidateQueries({ queryKey: mediaKey });
            const assetId = assetIds.current.get(id);
            if (assetId) onStored?.(assetId);
          },
        });
        uploads.current.set(id, upload);
        void upload.findPreviousUploads().then((previous) => {
          const last = previous[0];
          if (last) {
            upload.resumeFromPreviousUpload(last);
            patch(id, { resumed: true });
          }
          upload.start();
          // the library lists the file as "uploading" from its creation on
          setTimeout(() => void qc.invalidateQueries({ queryKey: mediaKey }), 500);
        });
      }
    },
    [patch, qc, onStored],
  );

  const pause = useCallback(
    (id: string) => {
      const u = uploads.current.get(id);
      if (!u) return;
      void u.abort();
      patch(id, { phase: 'paused' });
    },
    [patch],
  );

  const resume = useCallback(
    (id: string) => {
      const u = uploads.current.get(id);
      if (!u) return;
      patch(id, { phase: 'uploading', error: null });
      u.start();
    },
    [patch],
  );

  const dismiss = useCallback((id: string) => {
    const u = uploads.current.get(id);
    if (u) void u.abort();
    uploads.current.delete(id);
    setItems((list) => list.filter((i) => i.id !== id));
  }, []);

  return { items, add, pause, resume, dismiss };
}
