export { CoursesModule } from './courses.module.js';
export { CoursesService } from './courses.service.js';
export type { CourseInfo, LiveLesson, LiveLessonContent } from './courses.types.js';
// The catalog list SQL, for the `api-catalog` benchmark's bare baseline (same statement, no framework).
export { catalogListQuery } from './catalog.query.js';
export type { CatalogListParams, CatalogRow, CatalogSort } from './catalog.query.js';
// Course markdown to sanitized HTML, for lesson-type modules that keep markdown of their own.
export { renderMarkdown } from './courses.markdown.js';
