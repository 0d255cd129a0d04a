import { createLyceumClient, type components, type Problem } from '@lyceum/api-client';

export const api = createLyceumClient({ baseUrl: '' });

type S = components['schemas'];

export type CatalogPage = S['CatalogPageDto_Output'];
export type CatalogItem = CatalogPage['items'][number];
export type CatalogCourse = S['CatalogCourseDto_Output'];
export type MyEnrollmentPage = S['MyEnrollmentPageDto_Output'];
export type MyEnrollment = MyEnrollmentPage['items'][number];
export type LearnerOutline = S['LearnerOutlineDto_Output'];
export type OutlineLesson = LearnerOutline['sections'][number]['lessons'][number];
export type LessonLock = NonNullable<OutlineLesson['lock']>;
export type LessonContent = S['LessonContentDto_Output'];
export type LessonCompletion = S['LessonCompletionDto_Output'];
export type SelfEnrollment = S['SelfEnrollmentDto_Output'];
export type PreviewLesson = S['PreviewLessonDto_Output'];
export type CodeExercise = S['CodeExerciseDto_Output'];
export type CodeSubmission = S['CodeSubmissionDto_Output'];
export type CodeSubmissionPage = S['CodeSubmissionPageDto_Output'];
export type CodeRunnerStatus = S['CodeRunnerStatusDto_Output'];
export type PutCodeExercise = S['PutCodeExerciseDto'];
export type Me = S['MeDto_Output'];
export type MyOrganizationPage = S['MyOrganizationPageDto_Output'];
export type Level = CatalogItem['level'];

/** An error response from the API (RFC 9457 problem+json), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> & { code?: string; message?: string },
  ) {
    super(problem.detail ?? problem.message ?? problem.title ?? `HTTP ${status}`);
  }
  get code(): string | undefined {
    return this.problem.code;
  }
  /** Messages for individual fields, keyed by the field path the server reported. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) if (!(e.field in out)) out[e.field] = e.message;
    return out;
  }
}

interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Await an openapi-fetch call: the body on success, an ApiError otherwise. */
export async function call<T>(request: Promise<FetchResult>): Promise<T> {
  let result: FetchResult;
  try {
    result = await request;
  } catch (e) {
    throw new ApiError(0, { code: 'network', detail: e instanceof Error ? e.message : String(e) });
  }
  if (!result.response.ok) {
    const body = (result.error ?? {}) as ApiError['problem'];
    throw new ApiError(result.response.status, typeof body === 'object' ? body : { detail: String(body) });
  }
  return result.data as T;
}

/** Plain JSON requests for the auth endpoints (better-auth, outside the OpenAPI document). */
export async function authRequest<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    const payload = body ?? (method === 'POST' ? {} : undefined);
    res = await fetch(`/api/auth${path}`, {
      method,
      credentials: 'include',
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
  } catch (e) {
    throw new ApiError(0, { code: 'network', detail: e instanceof Error ? e.message : String(e) });
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { detail: text };
  }
  if (!res.ok) throw new ApiError(res.status, (parsed ?? {}) as ApiError['problem']);
  return parsed as T;
}

/**
 * Sends one file as multipart (`file` field) through XMLHttpRequest, which, unlike fetch, reports
 * upload progress (0-100). Resolves the JSON answer; rejects with an ApiError like `call`.
 */
export function uploadWithProgress<T>(method: 'POST' | 'PUT', url: string, file: File, onProgress: (percent: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body as T);
      else reject(new ApiError(xhr.status, (body ?? {}) as ApiError['problem']));
    };
    xhr.onerror = () => reject(new ApiError(0, { code: 'network' }));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** Like `call`, but a 404 answers null: for things that may not be set up yet (a lesson's exercise, quiz, assignment). */
export async function callOrNull<T>(request: Promise<FetchResult>): Promise<T | null> {
  try {
    return await call<T>(request);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}
